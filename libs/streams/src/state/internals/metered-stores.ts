import { Serde } from '../../serdes/serde';
import { KeyValue, KeyValueStore, Windowed, WindowStore, WindowValue } from '../stores';
import {
  BytesKeyValueStore,
  BytesWindowStore,
  FlushListener,
  fromKeyBytes,
  KeyBytes,
  StoreCheckpoint,
  StoreContext,
  toKeyBytes,
} from './bytes-stores';
import { WrappedStore, WrappedWindowStore } from './wrapped-store';

/** A typed change leaving a cache: what the flush listener of a processor receives. */
export interface TypedFlushedEntry<K, V> {
  readonly key: K;
  readonly newValue: V | null;
  readonly oldValue: V | null;
  readonly timestamp: number;
  readonly windowStart?: number;
}

/** How a task drives a store: lifecycle and restore, beside the typed API processors use. */
export interface TaskStore {
  readonly name: string;
  readonly persistent: boolean;
  init(context: StoreContext): void;
  flush(): void;
  close(): void;
  restore(key: Buffer, value: Buffer | null): void;
  /** Persistent stores: the checkpoint whose snapshot `init` loaded; restore resumes at its offset. */
  localCheckpoint(): StoreCheckpoint | undefined;
  /** Persistent stores: writes the whole store durably, returns the snapshot's CRC-32 (else undefined). */
  writeSnapshot(): number | undefined;
  /** Number of local entries, for restore metrics and tests. */
  approximateNumEntries(): number;
}

/** Turns a typed flush listener into the byte-level one the cache calls. */
function typedFlushListener<K, V>(
  listener: (entry: TypedFlushedEntry<K, V>) => void,
  keySerde: Serde<K>,
  valueSerde: Serde<V>,
  store: string,
): FlushListener {
  return (e) =>
    listener({
      key: keySerde.deserialize(fromKeyBytes(e.key), store),
      newValue: e.newValue === null ? null : valueSerde.deserialize(e.newValue, store),
      oldValue: e.oldValue === null ? null : valueSerde.deserialize(e.oldValue, store),
      timestamp: e.timestamp,
      ...(e.windowStart === undefined ? {} : { windowStart: e.windowStart }),
    });
}

/**
 * Outermost layer: serdes and operation counts. Serialization happens here,
 * once, so every inner layer (cache, changelog, inner store) works on bytes.
 */
export class MeteredKeyValueStore<K, V>
  extends WrappedStore<BytesKeyValueStore>
  implements KeyValueStore<K, V>, TaskStore
{
  constructor(
    inner: BytesKeyValueStore,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {
    super(inner);
  }

  get(key: K): V | undefined {
    const bytes = this.inner.get(this.keyBytes(key));
    return bytes === undefined ? undefined : this.valueSerde.deserialize(bytes, this.name);
  }

  put(key: K, value: V | null): void {
    this.context.metrics.storePuts.add(1);
    this.inner.put(this.keyBytes(key), value === null ? null : this.valueSerde.serialize(value, this.name));
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const existing = this.get(key);
    if (existing === undefined) this.put(key, value);
    return existing;
  }

  delete(key: K): V | undefined {
    const existing = this.get(key);
    this.put(key, null);
    return existing;
  }

  range(from: K, to: K): Array<KeyValue<K, V>> {
    return this.inner.range(this.keyBytes(from), this.keyBytes(to)).map(([k, v]) => this.typed(k, v));
  }

  all(): Array<KeyValue<K, V>> {
    return this.inner.range(undefined, undefined).map(([k, v]) => this.typed(k, v));
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  /** Registers a typed listener for cache flushes; false when caching is disabled. */
  setFlushListener(listener: (entry: TypedFlushedEntry<K, V>) => void): boolean {
    return this.inner.setFlushListener(
      typedFlushListener(listener, this.keySerde, this.valueSerde, this.name),
    );
  }

  private keyBytes(key: K): KeyBytes {
    return toKeyBytes(this.keySerde.serialize(key, this.name));
  }

  private typed(k: KeyBytes, v: Buffer): KeyValue<K, V> {
    return {
      key: this.keySerde.deserialize(fromKeyBytes(k), this.name),
      value: this.valueSerde.deserialize(v, this.name),
    };
  }
}

/** Outermost window layer: serdes and operation counts. */
export class MeteredWindowStore<K, V>
  extends WrappedWindowStore<BytesWindowStore>
  implements WindowStore<K, V>, TaskStore
{
  constructor(
    inner: BytesWindowStore,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {
    super(inner);
  }

  fetch(key: K, windowStart: number): V | undefined {
    const bytes = this.inner.fetch(this.keyBytes(key), windowStart);
    return bytes === undefined ? undefined : this.valueSerde.deserialize(bytes, this.name);
  }

  put(key: K, value: V | null, windowStart: number): void {
    this.context.metrics.storePuts.add(1);
    const bytes = value === null ? null : this.valueSerde.serialize(value, this.name);
    this.inner.put(this.keyBytes(key), bytes, windowStart);
  }

  fetchRange(key: K, timeFrom: number, timeTo: number): Array<WindowValue<V>> {
    return this.inner
      .fetchRange(this.keyBytes(key), timeFrom, timeTo)
      .map(([windowStart, v]) => ({ windowStart, value: this.valueSerde.deserialize(v, this.name) }));
  }

  all(): Array<KeyValue<Windowed<K>, V>> {
    return this.inner.all().map(([k, start, v]) => ({
      key: {
        key: this.keySerde.deserialize(fromKeyBytes(k), this.name),
        window: { start, end: start + this.windowSizeMs },
      },
      value: this.valueSerde.deserialize(v, this.name),
    }));
  }

  approximateNumEntries(): number {
    return this.inner.all().length;
  }

  /** Registers a typed listener for cache flushes; false when caching is disabled. */
  setFlushListener(listener: (entry: TypedFlushedEntry<K, V>) => void): boolean {
    return this.inner.setFlushListener(
      typedFlushListener(listener, this.keySerde, this.valueSerde, this.name),
    );
  }

  private keyBytes(key: K): KeyBytes {
    return toKeyBytes(this.keySerde.serialize(key, this.name));
  }
}
