import {
  BytesKeyValueStore,
  FlushListener,
  KeyBytes,
  StoreCheckpoint,
  StoreContext,
  toKeyBytes,
} from './bytes-stores';

/**
 * The innermost in-memory key-value layer: a Map of serialized keys.
 * Range reads sort on demand; they serve interactive queries, which are rare
 * next to the get/put of every processed record.
 */
export class InMemoryKeyValueStore implements BytesKeyValueStore {
  readonly persistent: boolean = false;
  protected readonly map = new Map<KeyBytes, Buffer>();

  constructor(readonly name: string) {}

  init(_context: StoreContext): void {
    // nothing to open
  }

  get(key: KeyBytes): Buffer | undefined {
    return this.map.get(key);
  }

  put(key: KeyBytes, value: Buffer | null): void {
    if (value === null) {
      this.map.delete(key);
    } else {
      this.map.set(key, value);
    }
  }

  range(from: KeyBytes | undefined, to: KeyBytes | undefined): Array<[KeyBytes, Buffer]> {
    const keys = [...this.map.keys()].filter(
      (k) => (from === undefined || k >= from) && (to === undefined || k <= to),
    );
    keys.sort();
    return keys.map((k) => [k, this.map.get(k) as Buffer]);
  }

  approximateNumEntries(): number {
    return this.map.size;
  }

  restore(key: Buffer, value: Buffer | null): void {
    this.put(toKeyBytes(key), value);
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
    this.map.clear();
  }
}
