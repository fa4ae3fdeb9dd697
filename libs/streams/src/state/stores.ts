/**
 * Public state-store interfaces. Implementations live under `internals/`
 * and are stacked as decorators, outermost first:
 * metered (serdes, metrics) -> caching (dedup per commit) -> change-logging
 * (compacted changelog topic) -> inner (in-memory or file-backed).
 *
 * Reads return arrays, not iterators: stores are in process memory, and an
 * array cannot leak an open iterator the way Java's `KeyValueIterator` can.
 */

/** A key and its value. */
export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

/** A time window, `[start, end)` in epoch milliseconds. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** A key scoped to the window it was aggregated in (the key type of windowed KTables). */
export interface Windowed<K> {
  readonly key: K;
  readonly window: TimeWindow;
}

/** Every store has a name, unique within a topology. */
export interface StateStore {
  readonly name: string;
  /** True when the store survives a restart without a full changelog restore. */
  readonly persistent: boolean;
}

/** Read-only key-value access: what interactive queries get. */
export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | undefined;
  /** Entries with `from <= key <= to` in serialized-key byte order (as in Kafka Streams). */
  range(from: K, to: K): Array<KeyValue<K, V>>;
  /** Every entry, in serialized-key byte order. */
  all(): Array<KeyValue<K, V>>;
  approximateNumEntries(): number;
}

/** A key-value store a processor can write. `put(key, null)` deletes. */
export interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  put(key: K, value: V | null): void;
  putIfAbsent(key: K, value: V): V | undefined;
  delete(key: K): V | undefined;
}

/** One window's value for a key. */
export interface WindowValue<V> {
  readonly windowStart: number;
  readonly value: V;
}

/** Read-only window access: what interactive queries get. */
export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key` in the window starting at `windowStart`. */
  fetch(key: K, windowStart: number): V | undefined;
  /** Windows of `key` with `timeFrom <= windowStart <= timeTo`, oldest first. */
  fetchRange(key: K, timeFrom: number, timeTo: number): Array<WindowValue<V>>;
  /** Every retained window of every key, oldest window first. */
  all(): Array<KeyValue<Windowed<K>, V>>;
}

/** A window store: values per key per window start, retained for `retentionMs` of stream time. */
export interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
  put(key: K, value: V | null, windowStart: number): void;
  readonly windowSizeMs: number;
  readonly retentionMs: number;
}
