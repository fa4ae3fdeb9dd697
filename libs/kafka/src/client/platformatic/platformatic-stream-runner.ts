/**
 * Drives kafkajs's `eachMessage`/`eachBatch` from a @platformatic/kafka
 * record stream, with kafkajs's commit semantics.
 *
 * A batch is what kafkajs calls one: the records of one partition, in offset
 * order, that have been fetched and not yet handled. The runner drains what
 * the stream has buffered (one or more fetch responses), splits it by
 * partition, and hands each partition's records over in turn. Reading stops
 * while a handler runs, so the stream's buffer limit (its highWaterMark)
 * pauses fetching, which is the back-pressure kafkajs gets from awaiting.
 *
 * Offsets: a handler resolves offsets (kafkajs: `resolveOffset`, or
 * implicitly after each message and, with `eachBatchAutoResolve`, after each
 * batch); with `autoCommit` the runner commits offset + 1 of the last
 * resolved record of each partition after each batch, or when
 * `autoCommitInterval`/`autoCommitThreshold` say so, and once more on stop.
 * A handler that throws is called again with the records it had not resolved,
 * `retries` times with kafkajs's backoff; then the consumer crashes (the
 * CRASH event) and is not restarted, where kafkajs would restart it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  Batch,
  ConsumerRunConfig,
  EachBatchPayload,
  EachMessagePayload,
  OffsetsByTopicPartition,
} from 'kafkajs';
import type * as Platformatic from '@platformatic/kafka';
import { KafkaFeatureUnsupportedError } from '../kafka-errors';
import type { KafkaLogSink } from '../kafka-log-sink';
import { toKafkaJsMessage, type ConsumedRecord } from './platformatic-records';

/** A partition's next offset to read, as committed. */
export interface CommitTarget {
  topic: string;
  partition: number;
  offset: bigint;
}

/** What the runner needs from its consumer. */
export interface StreamRunnerOptions {
  readonly retries: number;
  readonly commit: (targets: CommitTarget[]) => Promise<void>;
  readonly onCrash: (error: unknown) => void;
  readonly sink?: KafkaLogSink | undefined;
}

type RecordStream = Platformatic.MessagesStream<Buffer, Buffer, Buffer, Buffer>;

function unsupported(feature: string, hint?: string): KafkaFeatureUnsupportedError {
  return new KafkaFeatureUnsupportedError('platformatic', feature, hint);
}

const noHeartbeat = async (): Promise<void> => undefined;
const noPause = (): never => {
  throw unsupported('pause() from a handler');
};

/** One `run()`: reads the stream until stopped or crashed. */
export class StreamRunner {
  /** The runner whose handler the current async context runs in, if any. */
  private static readonly handlerScope = new AsyncLocalStorage<StreamRunner>();
  private running = true;
  private finished: Promise<void> | undefined;
  private readonly stopped = new AbortController();
  /** Resolved but not yet committed: the next offset to read, per `topic:partition`. */
  private readonly pending = new Map<string, CommitTarget>();
  private resolvedSinceCommit = 0;
  private lastCommit = Date.now();
  private readonly done: Promise<void>;
  /** Settles the pending {@link nextData}, if the loop waits in one. */
  private wake: (() => void) | undefined;
  private readonly onReadable = () => this.wake?.();

  constructor(
    private readonly stream: RecordStream,
    private readonly run: ConsumerRunConfig,
    private readonly options: StreamRunnerOptions,
  ) {
    // Listening for 'readable' for as long as the runner reads, not only while it waits: see nextData.
    stream.on('readable', this.onReadable);
    this.done = this.loop().catch((error: unknown) => this.crash(error));
  }

  /**
   * kafkajs's `stop()`: lets the current handler finish, commits what it resolved, closes the
   * stream. Called from one of this runner's own handlers, the caller must not await it (see
   * {@link calledFromHandler}): it settles only once that handler has returned.
   */
  stop(): Promise<void> {
    this.running = false;
    this.stopped.abort();
    this.finished ??= (async () => {
      await this.done;
      await this.flush().catch((error: unknown) =>
        this.options.sink?.error(fieldsOf(error), 'committing resolved offsets on stop failed'),
      );
      await this.stream.close();
    })();
    return this.finished;
  }

  /** True when the caller runs inside one of this runner's handlers (awaiting `stop()` would deadlock). */
  calledFromHandler(): boolean {
    return StreamRunner.handlerScope.getStore() === this;
  }

  /** Offsets committed outside the runner (`commitOffsets`): drop pending ones they cover. */
  committed(targets: CommitTarget[]): void {
    for (const t of targets) {
      const key = `${t.topic}:${t.partition}`;
      const pending = this.pending.get(key);
      if (pending && pending.offset <= t.offset) this.pending.delete(key);
    }
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const records = this.drain();
      if (records.length === 0) {
        await this.nextData();
        continue;
      }
      for (const batch of byPartition(records)) {
        if (!this.running) return;
        await this.handleWithRetries(batch);
        await this.commitIfDue();
      }
    }
  }

  private drain(): ConsumedRecord[] {
    const records: ConsumedRecord[] = [];
    for (let r = this.stream.read() as ConsumedRecord | null; r !== null; r = this.stream.read()) {
      records.push(r);
    }
    return records;
  }

  /**
   * Resolves when the stream has records, has ended, or the runner stops; rejects on a stream error.
   *
   * The stream's 'readable' listener stays attached between waits (see the constructor). Node sets
   * `readableFlowing` back to null once a stream has no 'readable' listener left, and the
   * MessagesStream takes null to mean nobody reads: its `_read()` then returns without fetching,
   * which leaves Node's `reading` flag set, so `_read()` is never called again and consumption
   * stalls for good once a fetch had filled the buffer past its highWaterMark (when the stream
   * stops fetching on its own and waits for `_read()`).
   */
  private nextData(): Promise<void> {
    const { stream } = this;
    if (stream.errored) return Promise.reject(stream.errored);
    if (stream.destroyed || stream.readableEnded) {
      this.running = false;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => {
        this.wake = undefined;
        stream.off('end', onData).off('close', onData).off('error', settle);
        this.stopped.signal.removeEventListener('abort', onData);
        if (error) reject(error);
        else resolve();
      };
      const onData = () => settle();
      this.wake = onData;
      stream.once('end', onData).once('close', onData).once('error', settle);
      this.stopped.signal.addEventListener('abort', onData, { once: true });
    });
  }

  private async handleWithRetries(records: ConsumedRecord[]): Promise<void> {
    let remaining = records;
    for (let attempt = 1; ; attempt++) {
      let position: bigint | undefined;
      try {
        await this.handle(remaining, (offset) => (position = offset));
        return;
      } catch (error) {
        if (
          !this.running ||
          attempt > this.options.retries ||
          error instanceof KafkaFeatureUnsupportedError
        ) {
          throw error;
        }
        const delay = Math.min(300 * 2 ** (attempt - 1), 30_000);
        this.options.sink?.error(
          { ...fieldsOf(error), retryCount: attempt, retryTime: delay },
          `Error when calling ${this.run.eachBatch ? 'eachBatch' : 'eachMessage'}`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        remaining = remaining.filter((r) => position === undefined || r.offset > position);
        if (remaining.length === 0) return;
      }
    }
  }

  private async handle(records: ConsumedRecord[], onResolved: (offset: bigint) => void): Promise<void> {
    const { topic, partition } = records[0] as ConsumedRecord;
    const resolve = (offset: bigint) => {
      onResolved(offset);
      this.resolve(topic, partition, offset);
    };
    const inScope = <T>(call: () => Promise<T>) => StreamRunner.handlerScope.run(this, call);
    const { eachBatch, eachMessage } = this.run;
    if (eachBatch) {
      await inScope(() => eachBatch(this.batchPayload(topic, partition, records, resolve)));
      const last = records.at(-1) as ConsumedRecord;
      if (this.run.eachBatchAutoResolve ?? true) resolve(last.offset);
      return;
    }
    for (const record of records) {
      if (!this.running) return;
      const payload: EachMessagePayload = {
        topic,
        partition,
        message: toKafkaJsMessage(record),
        heartbeat: noHeartbeat,
        pause: noPause,
      };
      await inScope(async () => eachMessage?.(payload));
      resolve(record.offset);
    }
  }

  private batchPayload(
    topic: string,
    partition: number,
    records: ConsumedRecord[],
    resolve: (offset: bigint) => void,
  ): EachBatchPayload {
    const messages = records.map(toKafkaJsMessage);
    const batch = {
      topic,
      partition,
      messages,
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => (messages.at(-1) as { offset: string }).offset,
      offsetLag: () => {
        throw unsupported('Batch.offsetLag()');
      },
      offsetLagLow: () => {
        throw unsupported('Batch.offsetLagLow()');
      },
    };
    // @platformatic/kafka does not hand the fetch's high watermark to the stream: refuse reading it,
    // without breaking code that only logs or spreads the batch (non-enumerable).
    Object.defineProperty(batch, 'highWatermark', {
      enumerable: false,
      get: () => {
        throw unsupported('Batch.highWatermark');
      },
    });
    return {
      batch: batch as unknown as Batch,
      resolveOffset: (offset: string) => resolve(BigInt(offset)),
      // The client heartbeats on its own timer, also while a handler runs.
      heartbeat: noHeartbeat,
      pause: noPause,
      commitOffsetsIfNecessary: async (offsets?: Offsets) =>
        offsets ? this.commitExplicit(offsets) : this.commitIfDue(),
      uncommittedOffsets: () => this.uncommittedOffsets(),
      isRunning: () => this.running,
      isStale: () => !this.running,
    };
  }

  private resolve(topic: string, partition: number, offset: bigint): void {
    if (this.run.autoCommit === false) return;
    const key = `${topic}:${partition}`;
    const next = offset + 1n;
    const pending = this.pending.get(key);
    if (pending && pending.offset >= next) return;
    this.pending.set(key, { topic, partition, offset: next });
    this.resolvedSinceCommit++;
  }

  private async commitIfDue(): Promise<void> {
    if (this.pending.size === 0) return;
    const { autoCommitInterval: interval, autoCommitThreshold: threshold } = this.run;
    const due =
      (interval == null && threshold == null) ||
      (interval != null && Date.now() - this.lastCommit >= interval) ||
      (threshold != null && this.resolvedSinceCommit >= threshold);
    if (!due) return;
    try {
      await this.flush();
    } catch (error) {
      // The offsets stay pending for the next commit; the records were handled.
      this.options.sink?.warn(
        fieldsOf(error),
        'committing resolved offsets failed; retrying with the next batch',
      );
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const targets = [...this.pending.values()];
    this.pending.clear();
    this.resolvedSinceCommit = 0;
    try {
      await this.options.commit(targets);
      this.lastCommit = Date.now();
    } catch (error) {
      for (const t of targets) {
        const key = `${t.topic}:${t.partition}`;
        if (!this.pending.has(key)) this.pending.set(key, t);
      }
      throw error;
    }
  }

  private async commitExplicit({ topics }: Offsets): Promise<void> {
    const targets = topics.flatMap(({ topic, partitions }) =>
      partitions.map(({ partition, offset }) => ({ topic, partition, offset: BigInt(offset) })),
    );
    await this.options.commit(targets);
    this.committed(targets);
  }

  private uncommittedOffsets(): OffsetsByTopicPartition {
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const { topic, partition, offset } of this.pending.values()) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset: offset.toString() }]);
    }
    return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
  }

  private crash(error: unknown): void {
    this.running = false;
    this.options.sink?.error(fieldsOf(error), 'the consumer crashed; it is not restarted');
    void this.stream.close().catch(() => undefined);
    this.options.onCrash(error);
  }
}

type Offsets = OffsetsByTopicPartition;

/** Records split by partition, each in the order read (offset order within a partition). */
function byPartition(records: ConsumedRecord[]): ConsumedRecord[][] {
  const batches = new Map<string, ConsumedRecord[]>();
  for (const r of records) {
    const key = `${r.topic}:${r.partition}`;
    const batch = batches.get(key);
    if (batch) batch.push(r);
    else batches.set(key, [r]);
  }
  return [...batches.values()];
}

function fieldsOf(error: unknown): Record<string, unknown> {
  return {
    kafka: { library: 'platformatic', error: error instanceof Error ? error.message : String(error) },
  };
}
