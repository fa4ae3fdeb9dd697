import { BytesKeyValueStore, BytesWindowStore, FlushListener, HeldValue, KeyBytes } from './bytes-stores';
import { WrappedStore, WrappedWindowStore } from './wrapped-store';

/** Serializes a value the cache holds as an object (the metered layer's value serde). */
export type ValueSerializer = (value: unknown) => Buffer;

/**
 * A write held in the cache until the next commit. The metered layer writes
 * objects: they are serialized once, when the entry is flushed (or when a byte
 * reader asks for it first), not on every put; and a get of a dirty key
 * returns the object, with no deserialization. Kafka Streams caches bytes,
 * which costs a serialize per put and a deserialize per get; for an aggregate
 * updated by thousands of records between two commits, this is most of it.
 */
export class DirtyEntry {
  constructor(
    readonly key: KeyBytes,
    /** The value as bytes; undefined until an object-held value is serialized. */
    private bytes: Buffer | null | undefined,
    /** The value as written by the metered layer, when it wrote one. */
    readonly held: HeldValue | undefined,
    private readonly serialize: ValueSerializer | undefined,
    readonly timestamp: number,
    readonly windowStart: number,
  ) {}

  /** The value's bytes (null: a tombstone), serialized on first need. */
  get value(): Buffer | null {
    if (this.bytes === undefined) {
      const object = (this.held as HeldValue).value;
      this.bytes = object === null ? null : (this.serialize as ValueSerializer)(object);
    }
    return this.bytes;
  }
}

/**
 * The record cache of Kafka Streams (KIP-63): writes to the same key between
 * two commits collapse into one, so the changelog and downstream see the
 * latest value per key per commit interval instead of every intermediate
 * update. Entries are flushed in write order at commit, or oldest-first when
 * the cache exceeds `maxEntries`. On flush each entry is written down
 * (change-logging, inner) by the owning store, which hands it to the flush
 * listener, which forwards it.
 */
class RecordCache {
  readonly dirty = new Map<string, DirtyEntry>();
  listener: FlushListener | undefined;

  constructor(
    private readonly maxEntries: number,
    private readonly writeDown: (entry: DirtyEntry) => void,
  ) {}

  put(id: string, entry: DirtyEntry): void {
    // Delete first so the Map's insertion order is last-write order.
    this.dirty.delete(id);
    this.dirty.set(id, entry);
    if (this.dirty.size > this.maxEntries) {
      const [oldestId, oldest] = this.dirty.entries().next().value as [string, DirtyEntry];
      this.dirty.delete(oldestId);
      this.writeDown(oldest);
    }
  }

  flush(): void {
    const entries = [...this.dirty.values()];
    this.dirty.clear();
    for (const entry of entries) this.writeDown(entry);
  }
}

/** Caching decorator for key-value stores. */
export class CachingKeyValueStore extends WrappedStore<BytesKeyValueStore> implements BytesKeyValueStore {
  private readonly cache: RecordCache;

  constructor(inner: BytesKeyValueStore, maxEntries: number) {
    super(inner);
    this.cache = new RecordCache(maxEntries, (entry) => this.writeDown(entry));
  }

  get(key: KeyBytes): Buffer | undefined {
    const entry = this.cache.dirty.get(key);
    if (entry !== undefined) return entry.value ?? undefined;
    return this.inner.get(key);
  }

  put(key: KeyBytes, value: Buffer | null): void {
    const timestamp = this.context.currentTimestamp();
    this.cache.put(key, new DirtyEntry(key, value, undefined, undefined, timestamp, 0));
  }

  /**
   * The value held for a dirty key as the metered layer wrote it (null: a
   * pending delete); undefined when the key is not dirty or was written as bytes.
   */
  heldValue(key: KeyBytes): HeldValue | undefined {
    return this.cache.dirty.get(key)?.held;
  }

  /** Holds `value` (null: delete) until the next flush; `serialize` runs then, once. */
  putHeld(key: KeyBytes, value: unknown, serialize: ValueSerializer): void {
    const timestamp = this.context.currentTimestamp();
    this.cache.put(key, new DirtyEntry(key, undefined, { value }, serialize, timestamp, 0));
  }

  range(from: KeyBytes | undefined, to: KeyBytes | undefined): Array<[KeyBytes, Buffer]> {
    const merged = new Map(this.inner.range(from, to));
    for (const entry of this.cache.dirty.values()) {
      const { key } = entry;
      if ((from !== undefined && key < from) || (to !== undefined && key > to)) continue;
      const { value } = entry;
      if (value === null) merged.delete(key);
      else merged.set(key, value);
    }
    return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries() + this.cache.dirty.size;
  }

  setFlushListener(listener: FlushListener): boolean {
    this.cache.listener = listener;
    return true;
  }

  override flush(): void {
    this.cache.flush();
    super.flush();
  }

  override close(): void {
    this.cache.dirty.clear();
    super.close();
  }

  private writeDown(entry: DirtyEntry): void {
    const { listener } = this.cache;
    const oldValue = listener ? (this.inner.get(entry.key) ?? null) : null;
    const newValue = entry.value;
    this.inner.put(entry.key, newValue);
    listener?.({ key: entry.key, newValue, held: entry.held, oldValue, timestamp: entry.timestamp });
  }
}

/** Caching decorator for window stores; the cache key is window start + key. */
export class CachingWindowStore extends WrappedWindowStore<BytesWindowStore> implements BytesWindowStore {
  private readonly cache: RecordCache;

  constructor(inner: BytesWindowStore, maxEntries: number) {
    super(inner);
    this.cache = new RecordCache(maxEntries, (entry) => this.writeDown(entry));
  }

  fetch(key: KeyBytes, windowStart: number): Buffer | undefined {
    const entry = this.cache.dirty.get(`${windowStart}|${key}`);
    if (entry !== undefined) return entry.value ?? undefined;
    return this.inner.fetch(key, windowStart);
  }

  put(key: KeyBytes, value: Buffer | null, windowStart: number): void {
    const timestamp = this.context.currentTimestamp();
    this.cache.put(
      `${windowStart}|${key}`,
      new DirtyEntry(key, value, undefined, undefined, timestamp, windowStart),
    );
  }

  /** As {@link CachingKeyValueStore.heldValue}, for one window. */
  heldValue(key: KeyBytes, windowStart: number): HeldValue | undefined {
    return this.cache.dirty.get(`${windowStart}|${key}`)?.held;
  }

  /** As {@link CachingKeyValueStore.putHeld}, for one window. */
  putHeld(key: KeyBytes, value: unknown, windowStart: number, serialize: ValueSerializer): void {
    const timestamp = this.context.currentTimestamp();
    const entry = new DirtyEntry(key, undefined, { value }, serialize, timestamp, windowStart);
    this.cache.put(`${windowStart}|${key}`, entry);
  }

  fetchRange(key: KeyBytes, timeFrom: number, timeTo: number): Array<[number, Buffer]> {
    const merged = new Map(this.inner.fetchRange(key, timeFrom, timeTo));
    for (const entry of this.cache.dirty.values()) {
      if (entry.key !== key || entry.windowStart < timeFrom || entry.windowStart > timeTo) continue;
      if (entry.value === null) merged.delete(entry.windowStart);
      else merged.set(entry.windowStart, entry.value);
    }
    return [...merged.entries()].sort(([a], [b]) => a - b);
  }

  all(): Array<[KeyBytes, number, Buffer]> {
    const merged = new Map<string, [KeyBytes, number, Buffer]>();
    for (const row of this.inner.all()) merged.set(`${row[1]}|${row[0]}`, row);
    for (const [id, entry] of this.cache.dirty) {
      if (entry.value === null) merged.delete(id);
      else merged.set(id, [entry.key, entry.windowStart, entry.value]);
    }
    return [...merged.values()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  setFlushListener(listener: FlushListener): boolean {
    this.cache.listener = listener;
    return true;
  }

  override flush(): void {
    this.cache.flush();
    super.flush();
  }

  override close(): void {
    this.cache.dirty.clear();
    super.close();
  }

  private writeDown(entry: DirtyEntry): void {
    const { listener } = this.cache;
    const oldValue = listener ? (this.inner.fetch(entry.key, entry.windowStart) ?? null) : null;
    const newValue = entry.value;
    this.inner.put(entry.key, newValue, entry.windowStart);
    listener?.({
      key: entry.key,
      newValue,
      held: entry.held,
      oldValue,
      timestamp: entry.timestamp,
      windowStart: entry.windowStart,
    });
  }
}
