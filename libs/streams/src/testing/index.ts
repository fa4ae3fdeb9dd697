/**
 * @eda/streams/testing: run a topology without a broker.
 *
 * The driver uses the engine's own tasks, processor nodes and stores; only
 * the topics are in memory.
 */
export { TopologyTestDriver, type TestDriverConfig } from './topology-test-driver';
export { TestInputTopic, TestOutputTopic, type TestRecord } from './test-topics';
