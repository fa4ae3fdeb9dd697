/**
 * @eda/testing: the integration-test harness.
 *
 * Broker-backed tests are named `*.int-spec.ts`; the shared Jest preset runs
 * them with a global setup that attaches to the native stack or starts it.
 */
export { stackEndpoints, type StackEndpoints } from './stack-endpoints';
export { uniqueName } from './unique-names';
export { KafkaTestContext, type TestTopicOptions } from './kafka-test-context';
export { waitFor } from './wait-for';
export { tcpReachable, registryReachable } from './probe';
export {
  FaultStack,
  faultStackEnv,
  faultStackLayout,
  type FaultService,
  type FaultStackLayout,
} from './faults/fault-stack';
