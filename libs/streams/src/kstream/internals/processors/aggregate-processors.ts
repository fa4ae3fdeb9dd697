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
 * Windowed aggregation (Kafka Streams' `KStreamWindowAggregate`). Tracks the
 * highest timestamp seen (observed stream time); a window whose end is at or
 * before `observed - grace` is closed, and records for it are dropped and
 * counted as late.
 */
export class WindowAggregateProcessor<K, V, A>
  extends CachedEmitter<Windowed<K>, A>
  implements Processor<K, V, Windowed<K>, Change<A>>
{
  private store!: MeteredWindowStore<K, A>;
  private observedStreamTime = -1;

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
    this.observedStreamTime = Math.max(this.observedStreamTime, record.timestamp);
    const closeTime = this.observedStreamTime - this.windows.graceMs;
    for (const start of this.windows.windowStartsFor(record.timestamp)) {
      const end = start + this.windows.sizeMs;
      if (end <= closeTime) {
        this.context.metrics.droppedRecords.add(1, { reason: 'late', store: this.storeName });
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
}
