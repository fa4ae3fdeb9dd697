import { join } from 'node:path';
import {
  SerializationError,
  StreamsConfigError,
  StreamsError,
  StreamsFatalError,
  TopologyError,
} from '../../errors';
import { StoreCheckpoint } from '../../state/internals/bytes-stores';
import { TaskStore } from '../../state/internals/metered-stores';
import { StreamsMetrics } from '../../telemetry/metrics';
import { withRecordContext } from '../../telemetry/tracing';
import {
  Cancellable,
  PunctuationType,
  Punctuator,
  RecordHeaders,
  RecordMetadata,
  recordTimestampExtractor,
  silentStreamsLogger,
  StreamsLogger,
  StreamRecord,
} from '../api';
import type { DeserializationErrorPolicy, ProcessingErrorPolicy } from '../error-handling';
import type { DeadLetterReason } from '../error-handling';
import { asError, DeadLetterQueue, deadLetterRecord } from './dead-letter-queue';
import { ProcessorNode, RuntimeNode, SinkNode, SourceNode, TaskServices } from './processor-nodes';
import { PunctuationQueue } from './punctuation-queue';
import { RecordCollector } from './record-collector';
import { SourceDef, SubtopologyDef } from './topology-layout';

const fireNow = (fire: () => void): void => fire();

/** A record as it arrives from a topic, before deserialization. */
export interface InputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/** What a task needs from whoever runs it (the runtime or the TopologyTestDriver). */
export interface TaskEnvironment {
  readonly applicationId: string;
  readonly collector: RecordCollector;
  readonly metrics: StreamsMetrics;
  readonly stateDir: string | undefined;
  readonly deserializationErrors: DeserializationErrorPolicy;
  /** Default `fail`. */
  readonly processingErrors?: ProcessingErrorPolicy;
  /** Where `dead-letter` policies write; required when either policy is `dead-letter`. */
  readonly deadLetterQueue?: DeadLetterQueue;
  /** Resolves a store's changelog topic (undefined when logging is off). */
  changelogTopic(storeName: string): string | undefined;
  wallClock(): number;
  /** Default: silent. */
  readonly logger?: StreamsLogger;
}

/**
 * One sub-topology for one partition: the unit of parallelism, state and
 * (under exactly-once) of transactions. The runtime and the
 * TopologyTestDriver both drive this class; neither re-implements processing.
 */
export class StreamTask implements TaskServices {
  readonly id: string;
  readonly applicationId: string;
  /** Next offset to consume per input topic; what a commit records. */
  readonly consumedOffsets = new Map<string, number>();
  /**
   * Partition time per input topic: the highest timestamp processed from it.
   * Committed with the offsets (offset metadata) and restored from them, so a
   * restarted task resumes with the stream time of its last commit.
   */
  readonly partitionTimes = new Map<string, number>();
  private readonly sources = new Map<string, { def: SourceDef; node: SourceNode }>();
  private readonly processors: ProcessorNode[] = [];
  private readonly storesByName = new Map<string, TaskStore>();
  private readonly storeAccess = new Map<string, Set<string>>();
  private readonly streamPunctuations = new PunctuationQueue();
  private readonly wallPunctuations = new PunctuationQueue();
  private metadata: RecordMetadata | undefined;
  private timestamp = 0;
  private time = -1;

  constructor(
    readonly subtopology: SubtopologyDef,
    readonly partition: number,
    private readonly env: TaskEnvironment,
  ) {
    this.id = `${subtopology.id}_${partition}`;
    this.applicationId = env.applicationId;
    const routes = env.deserializationErrors === 'dead-letter' || env.processingErrors === 'dead-letter';
    if (routes && env.deadLetterQueue === undefined) {
      throw new StreamsConfigError(
        `A 'dead-letter' exception handler needs 'errors.dead.letter.queue.topic.name' (an existing topic).`,
      );
    }
    this.buildNodes();
  }

  get taskId(): string {
    return this.id;
  }

  /** The task's stores, for restore and interactive queries. */
  get stores(): ReadonlyMap<string, TaskStore> {
    return this.storesByName;
  }

  /** `<state.dir>/<application.id>/<taskId>`, when a state dir is configured. */
  get stateDir(): string | undefined {
    return this.env.stateDir === undefined ? undefined : join(this.env.stateDir, this.applicationId, this.id);
  }

  /** The changelog topic of one of this task's stores, if logged. */
  changelogTopic(storeName: string): string | undefined {
    return this.env.changelogTopic(storeName);
  }

  /**
   * Opens stores. Restore (runtime only) happens between this and
   * {@link initializeProcessors}. `checkpoint` holds the validated checkpoint
   * entries of persistent stores; a store without one starts empty.
   */
  initializeStores(checkpoint: ReadonlyMap<string, StoreCheckpoint> = new Map()): void {
    for (const store of this.storesByName.values()) {
      const entry = store.persistent ? checkpoint.get(store.name) : undefined;
      store.init({
        ...(entry === undefined ? {} : { checkpoint: entry }),
        applicationId: this.applicationId,
        taskId: this.id,
        partition: this.partition,
        changelogTopic: this.env.changelogTopic(store.name),
        collector: this.env.collector,
        taskStateDir: this.stateDir,
        metrics: this.env.metrics,
        currentTimestamp: () => this.timestamp,
      });
    }
  }

  /** Calls `init` on every processor; after this the task processes records. */
  initializeProcessors(): void {
    for (const p of this.processors) p.init(this, this.storeAccess.get(p.name) ?? new Set());
  }

  /** Processes one input record synchronously through the sub-topology. */
  process(input: InputRecord): void {
    const source = this.sources.get(input.topic);
    if (!source) throw new TopologyError(`Task ${this.id} has no source for topic '${input.topic}'.`);
    const record = this.deserialize(source.def, input);
    this.consumedOffsets.set(input.topic, input.offset + 1);
    if (record === undefined) return;
    if (record.timestamp < 0) {
      this.env.metrics.droppedRecords.add(1, { reason: 'negative-timestamp' });
      return;
    }
    if (record.timestamp > (this.partitionTimes.get(input.topic) ?? -1)) {
      this.partitionTimes.set(input.topic, record.timestamp);
    }
    if (record.timestamp > this.time) this.time = record.timestamp;
    this.metadata = { topic: input.topic, partition: input.partition, offset: input.offset };
    this.timestamp = record.timestamp;
    try {
      withRecordContext(record.headers, input.topic, () => source.node.process(record));
      this.env.metrics.recordsProcessed.add(1);
    } catch (err) {
      // Whatever the record did before the throw (store writes, forwarded records) stays, as in
      // Kafka Streams (KIP-1033): the handler decides only whether the task goes on.
      if (!this.handleProcessingError(input, err)) throw err;
    } finally {
      this.metadata = undefined;
    }
    this.streamPunctuations.mayPunctuate(this.time, fireNow);
  }

  /**
   * Sets a partition's time from its committed offset's metadata, before the
   * first record: stream time (the highest partition time) then continues
   * where the last commit left it, as it would have without the restart.
   */
  restorePartitionTime(topic: string, partitionTime: number): void {
    if (partitionTime > (this.partitionTimes.get(topic) ?? -1)) this.partitionTimes.set(topic, partitionTime);
    if (partitionTime > this.time) this.time = partitionTime;
  }

  /** Fires wall-clock punctuations due at `now`. */
  punctuateWallClock(now: number): number {
    return this.wallPunctuations.mayPunctuate(now, fireNow);
  }

  /** Flushes caches (forwarding their entries downstream) and stores. Part of every commit. */
  flush(): void {
    for (const store of this.storesByName.values()) store.flush();
  }

  /** Closes processors and stores. */
  close(): void {
    for (const p of this.processors) p.close();
    for (const store of this.storesByName.values()) store.close();
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.metadata;
  }
  store(name: string): unknown {
    return this.storesByName.get(name);
  }
  streamTime(): number {
    return this.time;
  }
  wallClock(): number {
    return this.env.wallClock();
  }
  get metrics(): StreamsMetrics {
    return this.env.metrics;
  }
  get logger(): StreamsLogger {
    return this.env.logger ?? silentStreamsLogger;
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (type === PunctuationType.STREAM_TIME) {
      // As in Kafka Streams (StreamTask#schedule), stream-time schedules are aligned to 0: the first
      // record fires one (stream time >= 0), the next fire at the following multiple of the interval.
      return this.streamPunctuations.schedule(0, intervalMs, punctuator);
    }
    return this.wallPunctuations.schedule(this.env.wallClock() + intervalMs, intervalMs, punctuator);
  }

  private deserialize(def: SourceDef, input: InputRecord): StreamRecord<unknown, unknown> | undefined {
    try {
      const key = input.key === null ? null : def.keySerde.deserialize(input.key, input.topic);
      const value = input.value === null ? null : def.valueSerde.deserialize(input.value, input.topic);
      // The default extractor reads the record's own timestamp: skip building its argument per record.
      const extractor = def.timestampExtractor;
      const timestamp =
        extractor === undefined || extractor === recordTimestampExtractor
          ? input.timestamp
          : extractor({ ...input, key, value }, this.time);
      return { key, value, timestamp, headers: input.headers };
    } catch (err) {
      const policy = this.env.deserializationErrors;
      if (policy === 'continue') {
        this.env.metrics.droppedRecords.add(1, { reason: 'deserialization' });
        return undefined;
      }
      if (policy === 'dead-letter') {
        this.deadLetter(input, err, 'deserialization');
        return undefined;
      }
      throw new SerializationError(
        `Cannot deserialize ${input.topic}-${input.partition}@${input.offset}: ${asError(err).message}. ` +
          `Fix the producer, or set 'deserialization.exception.handler' to 'dead-letter' (with ` +
          `'errors.dead.letter.queue.topic.name') or 'continue' to route or skip such records.`,
        err,
      );
    }
  }

  /** Applies the processing policy; false means the error propagates (the instance fails or revives the task). */
  private handleProcessingError(input: InputRecord, err: unknown): boolean {
    const policy = this.env.processingErrors ?? 'fail';
    if (policy === 'fail') return false;
    // The runtime's own errors (a migrated task, a store still restoring, a fatal state) are not the record's fault.
    if (err instanceof StreamsError && (err.retriable || err instanceof StreamsFatalError)) return false;
    if (policy === 'continue') this.env.metrics.droppedRecords.add(1, { reason: 'processing' });
    else this.deadLetter(input, err, 'processing');
    return true;
  }

  /**
   * Sends `input`, as read, to the dead-letter topic through the task's collector: under
   * exactly-once the task's own transaction (committed with the input offset, so the record is
   * dead-lettered exactly once); under at-least-once the shared buffer, sent before the offsets
   * are committed.
   */
  private deadLetter(input: InputRecord, thrown: unknown, reason: DeadLetterReason): void {
    const dlq = this.env.deadLetterQueue as DeadLetterQueue;
    const context = {
      reason,
      topic: input.topic,
      partition: input.partition,
      offset: input.offset,
      timestamp: input.timestamp,
      error: asError(thrown),
      taskId: this.id,
    };
    this.env.collector.send(deadLetterRecord(dlq, input, context));
    this.env.metrics.deadLetteredRecords.add(1, { topic: input.topic, reason });
  }

  private buildNodes(): void {
    const nodes = new Map<string, RuntimeNode>();
    for (const def of this.subtopology.nodes) {
      let node: RuntimeNode;
      if (def.kind === 'source') {
        const source = new SourceNode(def.name);
        for (const topic of def.topics) this.sources.set(topic, { def, node: source });
        node = source;
      } else if (def.kind === 'sink') {
        node = new SinkNode(def, this.env.collector);
      } else {
        const processor = new ProcessorNode(def.name, def.supplier());
        this.processors.push(processor);
        node = processor;
      }
      for (const parent of def.parents) nodes.get(parent)?.children.push(node);
      nodes.set(def.name, node);
    }
    for (const { builder, processors } of this.subtopology.stores) {
      this.storesByName.set(builder.name, builder.build() as TaskStore);
      for (const p of processors) {
        this.storeAccess.set(p, (this.storeAccess.get(p) ?? new Set()).add(builder.name));
      }
    }
  }
}
