import {
  BytesKeyValueStore,
  BytesWindowStore,
  FlushListener,
  KeyBytes,
  StoreCheckpoint,
  StoreContext,
} from './bytes-stores';

/** A write held in the cache until the next commit. */
interface DirtyEntry {
  readonly key: KeyBytes;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly windowStart: number;
}

/**
 * The record cache of Kafka Streams (KIP-63): writes to the same key between
 * two commits collapse into one, so the changelog and downstream see the
 * latest value per key per commit interval instead of every intermediate
 * update. Entries are flushed in write order at commit, or oldest-first when
 * the cache exceeds `maxEntries`. On flush each entry is written down
 * (change-logging, inner) and handed to the flush listener, which forwards it.
 */
abstract class CachingLayer {
  protected readonly dirty = new Map<string, DirtyEntry>();
  protected listener: FlushListener | undefined;
  protected context!: StoreContext;

  constructor(private readonly maxEntries: number) {}

  setFlushListener(listener: FlushListener): boolean {
    this.listener = listener;
    return true;
  }

  protected cache(id: string, entry: DirtyEntry): void {
    // Delete first so the Map's insertion order is last-write order.
    this.dirty.delete(id);
    this.dirty.set(id, entry);
    if (this.dirty.size > this.maxEntries) {
      const [oldestId, oldest] = this.dirty.entries().next().value as [string, DirtyEntry];
      this.dirty.delete(oldestId);
      this.writeDown(oldest);
    }
  }

  protected flushCache(): void {
    const entries = [...this.dirty.values()];
    this.dirty.clear();
    for (const entry of entries) this.writeDown(entry);
  }

  protected abstract writeDown(entry: DirtyEntry): void;
}

/** Caching decorator for key-value stores. */
export class CachingKeyValueStore extends CachingLayer implements BytesKeyValueStore {
  constructor(
    private readonly inner: BytesKeyValueStore,
    maxEntries: number,
  ) {
    super(maxEntries);
  }

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }

  init(context: StoreContext): void {
    this.context = context;
    this.inner.init(context);
  }

  get(key: KeyBytes): Buffer | undefined {
    const entry = this.dirty.get(key);
    if (entry !== undefined) return entry.value ?? undefined;
    return this.inner.get(key);
  }

  put(key: KeyBytes, value: Buffer | null): void {
    this.cache(key, { key, value, timestamp: this.context.currentTimestamp(), windowStart: 0 });
  }

  range(from: KeyBytes | undefined, to: KeyBytes | undefined): Array<[KeyBytes, Buffer]> {
    const merged = new Map(this.inner.range(from, to));
    for (const { key, value } of this.dirty.values()) {
      if ((from !== undefined && key < from) || (to !== undefined && key > to)) continue;
      if (value === null) merged.delete(key);
      else merged.set(key, value);
    }
    return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries() + this.dirty.size;
  }

  restore(key: Buffer, value: Buffer | null): void {
    this.inner.restore(key, value);
  }

  localCheckpoint(): StoreCheckpoint | undefined {
    return this.inner.localCheckpoint();
  }

  writeSnapshot(): number | undefined {
    return this.inner.writeSnapshot();
  }

  flush(): void {
    this.flushCache();
    this.inner.flush();
  }

  close(): void {
    this.dirty.clear();
    this.inner.close();
  }

  protected writeDown(entry: DirtyEntry): void {
    const oldValue = this.listener ? (this.inner.get(entry.key) ?? null) : null;
    this.inner.put(entry.key, entry.value);
    this.listener?.({ key: entry.key, newValue: entry.value, oldValue, timestamp: entry.timestamp });
  }
}

/** Caching decorator for window stores; the cache key is window start + key. */
export class CachingWindowStore extends CachingLayer implements BytesWindowStore {
  constructor(
    private readonly inner: BytesWindowStore,
    maxEntries: number,
  ) {
    super(maxEntries);
  }

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }
  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }
  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  init(context: StoreContext): void {
    this.context = context;
    this.inner.init(context);
  }

  fetch(key: KeyBytes, windowStart: number): Buffer | undefined {
    const entry = this.dirty.get(`${windowStart}|${key}`);
    if (entry !== undefined) return entry.value ?? undefined;
    return this.inner.fetch(key, windowStart);
  }

  put(key: KeyBytes, value: Buffer | null, windowStart: number): void {
    const timestamp = this.context.currentTimestamp();
    this.cache(`${windowStart}|${key}`, { key, value, timestamp, windowStart });
  }

  fetchRange(key: KeyBytes, timeFrom: number, timeTo: number): Array<[number, Buffer]> {
    const merged = new Map(this.inner.fetchRange(key, timeFrom, timeTo));
    for (const entry of this.dirty.values()) {
      if (entry.key !== key || entry.windowStart < timeFrom || entry.windowStart > timeTo) continue;
      if (entry.value === null) merged.delete(entry.windowStart);
      else merged.set(entry.windowStart, entry.value);
    }
    return [...merged.entries()].sort(([a], [b]) => a - b);
  }

  all(): Array<[KeyBytes, number, Buffer]> {
    const merged = new Map<string, [KeyBytes, number, Buffer]>();
    for (const row of this.inner.all()) merged.set(`${row[1]}|${row[0]}`, row);
    for (const [id, entry] of this.dirty) {
      if (entry.value === null) merged.delete(id);
      else merged.set(id, [entry.key, entry.windowStart, entry.value]);
    }
    return [...merged.values()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  restore(changelogKey: Buffer, value: Buffer | null): void {
    this.inner.restore(changelogKey, value);
  }

  localCheckpoint(): StoreCheckpoint | undefined {
    return this.inner.localCheckpoint();
  }

  writeSnapshot(): number | undefined {
    return this.inner.writeSnapshot();
  }

  flush(): void {
    this.flushCache();
    this.inner.flush();
  }

  close(): void {
    this.dirty.clear();
    this.inner.close();
  }

  protected writeDown(entry: DirtyEntry): void {
    const oldValue = this.listener ? (this.inner.fetch(entry.key, entry.windowStart) ?? null) : null;
    this.inner.put(entry.key, entry.value, entry.windowStart);
    this.listener?.({
      key: entry.key,
      newValue: entry.value,
      oldValue,
      timestamp: entry.timestamp,
      windowStart: entry.windowStart,
    });
  }
}
