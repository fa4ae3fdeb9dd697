import {
  BytesWindowStore,
  FlushListener,
  KeyBytes,
  parseWindowChangelogKey,
  StoreCheckpoint,
  StoreContext,
} from './bytes-stores';

/**
 * The innermost in-memory window layer: one Map of keys per window start, so
 * expiring a window drops a whole segment, as Kafka Streams' InMemoryWindowStore does.
 *
 * Retention follows the store's own observed stream time (the highest window
 * start it has seen): a window older than `retentionMs` is dropped on write
 * and invisible on read.
 */
export class InMemoryWindowStore implements BytesWindowStore {
  readonly persistent: boolean = false;
  protected readonly segments = new Map<number, Map<KeyBytes, Buffer>>();
  protected observedStreamTime = Number.NEGATIVE_INFINITY;

  constructor(
    readonly name: string,
    readonly retentionMs: number,
    readonly windowSizeMs: number,
  ) {}

  init(_context: StoreContext): void {
    // nothing to open
  }

  fetch(key: KeyBytes, windowStart: number): Buffer | undefined {
    if (this.expired(windowStart)) return undefined;
    return this.segments.get(windowStart)?.get(key);
  }

  put(key: KeyBytes, value: Buffer | null, windowStart: number): void {
    if (windowStart > this.observedStreamTime) {
      this.observedStreamTime = windowStart;
      this.expireSegments();
    }
    if (this.expired(windowStart)) return;
    let segment = this.segments.get(windowStart);
    if (value === null) {
      segment?.delete(key);
      return;
    }
    if (!segment) {
      segment = new Map();
      this.segments.set(windowStart, segment);
    }
    segment.set(key, value);
  }

  fetchRange(key: KeyBytes, timeFrom: number, timeTo: number): Array<[number, Buffer]> {
    const out: Array<[number, Buffer]> = [];
    for (const start of this.sortedStarts()) {
      if (start < timeFrom || start > timeTo) continue;
      const value = this.segments.get(start)?.get(key);
      if (value !== undefined) out.push([start, value]);
    }
    return out;
  }

  all(): Array<[KeyBytes, number, Buffer]> {
    const out: Array<[KeyBytes, number, Buffer]> = [];
    for (const start of this.sortedStarts()) {
      const segment = this.segments.get(start) as Map<KeyBytes, Buffer>;
      for (const key of [...segment.keys()].sort()) out.push([key, start, segment.get(key) as Buffer]);
    }
    return out;
  }

  restore(changelogKey: Buffer, value: Buffer | null): void {
    const { key, windowStart } = parseWindowChangelogKey(changelogKey);
    this.put(key, value, windowStart);
  }

  setFlushListener(_listener: FlushListener): boolean {
    return false;
  }

  localCheckpoint(): StoreCheckpoint | undefined {
    return undefined; // in memory: always restored from the changelog's start
  }

  writeSnapshot(): number | undefined {
    return undefined;
  }

  flush(): void {
    // in memory: nothing to make durable
  }

  close(): void {
    this.segments.clear();
  }

  private expired(windowStart: number): boolean {
    return windowStart <= this.observedStreamTime - this.retentionMs;
  }

  private expireSegments(): void {
    for (const start of this.segments.keys()) {
      if (this.expired(start)) this.segments.delete(start);
    }
  }

  private sortedStarts(): number[] {
    return [...this.segments.keys()].filter((s) => !this.expired(s)).sort((a, b) => a - b);
  }
}
