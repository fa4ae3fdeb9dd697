import { InvalidStateStoreError, StreamsConfigError, TopologyError } from '../errors';
import { RecordHeaders } from '../processor/api';
import type {
  DeadLetterHeadersFn,
  DeserializationErrorPolicy,
  ProcessingErrorPolicy,
} from '../processor/error-handling';
import { InputRecord, StreamTask } from '../processor/internals/stream-task';
import { OutgoingRecord } from '../processor/internals/record-collector';
import { Topology } from '../processor/topology';
import { Serde, Serdes } from '../serdes/serde';
import { KeyValueStore, StateStore, WindowStore } from '../state/stores';
import { StreamsMetrics } from '../telemetry/metrics';
import { TestInputTopic, TestOutputTopic, TestTopicHost } from './test-topics';

/** Configuration of a {@link TopologyTestDriver}. */
export interface TestDriverConfig {
  /** Prefix of internal topics; default `test-app`. */
  readonly 'application.id'?: string;
  /** Needed only for persistent stores. */
  readonly 'state.dir'?: string;
  /** `fail` (default: `pipeInput` throws), `continue` (skip and count) or `dead-letter`. */
  readonly 'deserialization.exception.handler'?: DeserializationErrorPolicy;
  /** `fail` (default), `continue` or `dead-letter`, as in `KafkaStreams`. */
  readonly 'processing.exception.handler'?: ProcessingErrorPolicy;
  /** The DLQ topic; read what went there with {@link TopologyTestDriver.createDeadLetterQueueTopic}. */
  readonly 'errors.dead.letter.queue.topic.name'?: string;
  /** Extra headers for each dead-letter record, as in `KafkaStreams`. */
  readonly 'errors.dead.letter.queue.headers'?: DeadLetterHeadersFn;
  /** Initial wall-clock time in epoch ms; default 0. */
  readonly initialWallClockMs?: number;
}

/**
 * Runs a topology without a broker, through the same task, processor nodes
 * and stores the runtime uses. Each piped record is processed to
 * completion, repartition topics included, then a commit flushes every
 * cache, so a test sees each update (as Kafka Streams' driver does).
 * Every sub-topology runs as a single task (partition 0).
 *
 * @example
 * ```ts
 * const driver = new TopologyTestDriver(builder.build());
 * const input = driver.createInputTopic('words', Serdes.String(), Serdes.String());
 * const output = driver.createOutputTopic('counts', Serdes.String(), Serdes.Long());
 * input.pipeInput(null, 'a');
 * expect(output.readKeyValue()).toEqual({ key: 'a', value: 1 });
 * driver.close();
 * ```
 */
export class TopologyTestDriver implements TestTopicHost {
  private readonly tasks: StreamTask[] = [];
  private readonly tasksByTopic = new Map<string, StreamTask>();
  private readonly outputs = new Map<string, OutgoingRecord[]>();
  private readonly offsets = new Map<string, number>();
  private readonly pending: InputRecord[] = [];
  private readonly streamsMetrics: StreamsMetrics;
  private readonly deadLetterTopic: string | undefined;
  private wallClockMs: number;
  private draining = false;

  constructor(topology: Topology, config: TestDriverConfig = {}) {
    const applicationId = config['application.id'] ?? 'test-app';
    this.wallClockMs = config.initialWallClockMs ?? 0;
    this.streamsMetrics = new StreamsMetrics(applicationId);
    const dlqTopic = config['errors.dead.letter.queue.topic.name'];
    const dlqHeaders = config['errors.dead.letter.queue.headers'];
    this.deadLetterTopic = dlqTopic;
    const env = {
      applicationId,
      collector: { send: (r: OutgoingRecord) => this.collect(r) },
      metrics: this.streamsMetrics,
      stateDir: config['state.dir'],
      deserializationErrors: config['deserialization.exception.handler'] ?? 'fail',
      processingErrors: config['processing.exception.handler'] ?? 'fail',
      deadLetterQueue:
        dlqTopic === undefined
          ? undefined
          : { topic: dlqTopic, ...(dlqHeaders === undefined ? {} : { headers: dlqHeaders }) },
      changelogTopic: (store: string) => `${applicationId}-${store}-changelog`,
      wallClock: () => this.wallClockMs,
    };
    for (const sub of topology.subtopologies(applicationId)) {
      const task = new StreamTask(sub, 0, env);
      this.tasks.push(task);
      for (const topic of sub.sourceTopics) this.tasksByTopic.set(topic, task);
    }
    if (dlqTopic !== undefined && this.tasksByTopic.has(dlqTopic)) {
      throw new StreamsConfigError(
        `'errors.dead.letter.queue.topic.name' is '${dlqTopic}', which the topology reads. Use a topic of its own.`,
      );
    }
    for (const task of this.tasks) {
      task.initializeStores();
      task.initializeProcessors();
    }
  }

  /** An input topic; timestamps start at `startTimestamp` and advance by `autoAdvanceMs` per record. */
  createInputTopic<K, V>(
    topic: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    startTimestamp = this.wallClockMs,
    autoAdvanceMs = 0,
  ): TestInputTopic<K, V> {
    if (!this.tasksByTopic.has(topic)) throw new TopologyError(`No source reads topic '${topic}'.`);
    return new TestInputTopic(this, topic, keySerde, valueSerde, startTimestamp, autoAdvanceMs);
  }

  /** An output topic (any topic the topology writes, internal ones by their full name). */
  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(this, topic, keySerde, valueSerde);
  }

  /**
   * The dead-letter topic (`errors.dead.letter.queue.topic.name`) as raw bytes: each record is a
   * failed input's original key and value, with its headers and the `__streams.errors.*` ones.
   */
  createDeadLetterQueueTopic(): TestOutputTopic<Buffer, Buffer> {
    if (this.deadLetterTopic === undefined) {
      throw new StreamsConfigError(`No 'errors.dead.letter.queue.topic.name' is configured.`);
    }
    return new TestOutputTopic(this, this.deadLetterTopic, Serdes.Buffer(), Serdes.Buffer());
  }

  /** Advances the wall clock, firing due wall-clock punctuations, then commits. */
  advanceWallClockTime(ms: number): void {
    this.wallClockMs += ms;
    for (const task of this.tasks) task.punctuateWallClock(this.wallClockMs);
    this.drain();
  }

  /** A key-value store by name, for inspection and setup. */
  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    return this.getStateStore(name) as KeyValueStore<K, V>;
  }

  /** A window store by name. */
  getWindowStore<K, V>(name: string): WindowStore<K, V> {
    return this.getStateStore(name) as WindowStore<K, V>;
  }

  /** Any store by name. */
  getStateStore(name: string): StateStore {
    for (const task of this.tasks) {
      const store = task.stores.get(name);
      if (store) return store;
    }
    throw new InvalidStateStoreError(`No store named '${name}' in this topology.`);
  }

  /** Local totals of the instance metrics (e.g. `streams.records.dropped`). */
  metrics(): Record<string, number> {
    return this.streamsMetrics.snapshot();
  }

  /** Topics the topology has written to so far, internal ones included. */
  producedTopicNames(): string[] {
    return [...this.outputs.keys()];
  }

  /** Closes tasks (processors and stores). */
  close(): void {
    for (const task of this.tasks) task.close();
  }

  /** @internal */
  pipe(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: RecordHeaders,
  ): void {
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    this.pending.push({ topic, partition: 0, offset, key, value, timestamp, headers });
    this.drain();
  }

  /** @internal */
  readOutput(topic: string): OutgoingRecord | undefined {
    return this.outputs.get(topic)?.shift();
  }

  /** @internal */
  outputSize(topic: string): number {
    return this.outputs.get(topic)?.length ?? 0;
  }

  private collect(record: OutgoingRecord): void {
    const list = this.outputs.get(record.topic) ?? [];
    list.push(record);
    this.outputs.set(record.topic, list);
    // A topic the topology also reads (a repartition topic) feeds back in, after the current record.
    if (this.tasksByTopic.has(record.topic)) {
      const offset = this.offsets.get(record.topic) ?? 0;
      this.offsets.set(record.topic, offset + 1);
      this.pending.push({ ...record, partition: 0, offset });
    }
  }

  /** Processes everything pending, then commits (flushes caches), until nothing is left. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      do {
        for (let next = this.pending.shift(); next; next = this.pending.shift()) {
          (this.tasksByTopic.get(next.topic) as StreamTask).process(next);
        }
        for (const task of this.tasks) task.flush();
      } while (this.pending.length > 0);
    } finally {
      this.draining = false;
    }
  }
}
