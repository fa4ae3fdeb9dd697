import { Processor, ProcessorContext, StreamRecord } from '../../../processor/api';
import {
  MeteredKeyValueStore,
  MeteredWindowStore,
  TypedFlushedEntry,
} from '../../../state/internals/metered-stores';
import { Windowed } from '../../../state/stores';
import { withLinkedSpan } from '../../../telemetry/tracing';
import { TimeWindows } from '../../time-windows';
import { Change, ContributionLinks, keyId } from './change';

/** Folds a value into the aggregate; `old` is undefined for a new key (count, reduce and aggregate differ only here). */
export type Adder<K, V, A> = (key: K, value: V, old: A | undefined) => A;

/**
 * Shared by aggregations: with caching, downstream gets one update per key
 * per commit, on cache flush, inside a span linked to every contributing
 * input; without caching, every update goes downstream immediately.
 */
abstract class CachedEmitter<KOut, A> {
  protected context!: ProcessorContext<KOut, Change<A>>;
  protected caching = false;
  protected readonly links = new ContributionLinks();

  constructor(protected readonly storeName: string) {}

  protected emitFlushed(key: KOut, entry: TypedFlushedEntry<unknown, A>): void {
    const record = {
      key,
      value: { newValue: entry.newValue, oldValue: entry.oldValue },
      timestamp: entry.timestamp,
      headers: {},
    };
    const links = this.links.take(keyId(entry.key, entry.windowStart));
    if (links.length === 0) this.context.forward(record);
    else withLinkedSpan(`aggregate ${this.storeName}`, links, () => this.context.forward(record));
  }

  /** Forwards now (no cache) or notes the contributor for the flush (cache). */
  protected emitOrDefer(id: string, record: StreamRecord<KOut, Change<A>>): void {
    if (this.caching) this.links.add(id);
    else this.context.forward(record);
  }

  protected dropNullKey(record: StreamRecord<unknown, unknown>): boolean {
    if (
      record.key !== null &&
      record.key !== undefined &&
      record.value !== null &&
      record.value !== undefined
    ) {
      return false;
    }
    // Kafka Streams skips null keys and values in aggregations and counts them.
    this.context.metrics.droppedRecords.add(1, { reason: 'null-key-or-value', store: this.storeName });
    return true;
  }
}

/** count / reduce / aggregate into a key-value store (Kafka Streams' `KStreamAggregate`). */
export class AggregateProcessor<K, V, A>
  extends CachedEmitter<K, A>
  implements Processor<K, V, K, Change<A>>
{
  private store!: MeteredKeyValueStore<K, A>;

  constructor(
    storeName: string,
    private readonly adder: Adder<K, V, A>,
  ) {
    super(storeName);
  }

  init(context: ProcessorContext<K, Change<A>>): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
    this.caching = this.store.setFlushListener((e) => this.emitFlushed(e.key, e));
  }

  process(record: StreamRecord<K, V>): void {
    if (this.dropNullKey(record)) return;
    const old = this.store.get(record.key);
    const next = this.adder(record.key, record.value, old);
    this.store.put(record.key, next);
    const value = { newValue: next, oldValue: old ?? null };
    this.emitOrDefer(keyId(record.key), { ...record, value });
  }
}

/**
 * Windowed aggregation (Kafka Streams' `KStreamWindowAggregate`). A window
 * whose end is at or before `stream time - grace` is closed, and records for
 * it are dropped, counted as late, and logged once per window.
 *
 * Stream time is the task's: the highest timestamp of any record the task
 * processed, restored from the committed offsets' metadata when the task
 * restarts. A time kept by this processor alone would start again from -1
 * after every restart, so whether a record is late would depend on when the
 * broker or the instance last failed; with the task's, the verdicts of a run
 * with faults are those of the same run without them (issue 12).
 */
export class WindowAggregateProcessor<K, V, A>
  extends CachedEmitter<Windowed<K>, A>
  implements Processor<K, V, Windowed<K>, Change<A>>
{
  private store!: MeteredWindowStore<K, A>;
  /** Window starts already logged as closed (the log says it once per window, the metric counts all). */
  private readonly reportedLate = new Set<number>();

  constructor(
    storeName: string,
    private readonly windows: TimeWindows,
    private readonly adder: Adder<K, V, A>,
  ) {
    super(storeName);
  }

  init(context: ProcessorContext<Windowed<K>, Change<A>>): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
    const size = this.windows.sizeMs;
    this.caching = this.store.setFlushListener((e) => {
      const start = e.windowStart as number;
      this.emitFlushed({ key: e.key, window: { start, end: start + size } }, e);
    });
  }

  process(record: StreamRecord<K, V>): void {
    if (this.dropNullKey(record)) return;
    const streamTime = Math.max(this.context.currentStreamTimeMs(), record.timestamp);
    const closeTime = streamTime - this.windows.graceMs;
    for (const start of this.windows.windowStartsFor(record.timestamp)) {
      const end = start + this.windows.sizeMs;
      if (end <= closeTime) {
        this.dropLate(start, record.timestamp, streamTime);
        continue;
      }
      const old = this.store.fetch(record.key, start);
      const next = this.adder(record.key, record.value, old);
      this.store.put(record.key, next, start);
      const key = { key: record.key, window: { start, end } };
      this.emitOrDefer(keyId(record.key, start), {
        ...record,
        key,
        value: { newValue: next, oldValue: old ?? null },
      });
    }
  }

  private dropLate(windowStart: number, timestamp: number, streamTime: number): void {
    this.context.metrics.droppedRecords.add(1, { reason: 'late', store: this.storeName });
    if (this.reportedLate.has(windowStart)) return;
    // Bounded: a closed window never reopens, so only the most recent ones can still be hit.
    if (this.reportedLate.size >= 1024) this.reportedLate.clear();
    this.reportedLate.add(windowStart);
    const windowEnd = windowStart + this.windows.sizeMs;
    this.context.logger.warn(
      {
        store: this.storeName,
        taskId: this.context.taskId,
        windowStart: new Date(windowStart).toISOString(),
        windowEnd: new Date(windowEnd).toISOString(),
        graceMs: this.windows.graceMs,
        recordTimestamp: new Date(timestamp).toISOString(),
        streamTime: new Date(streamTime).toISOString(),
      },
      `Dropped a late record: window [${windowStart}, ${windowEnd}) of '${this.storeName}' closed at stream ` +
        `time ${streamTime} (window end + ${this.windows.graceMs} ms grace); further late records for this ` +
        `window in task ${this.context.taskId} are only counted (streams.records.dropped, reason=late).`,
    );
  }
}
