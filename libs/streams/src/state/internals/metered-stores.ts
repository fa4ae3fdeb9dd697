import { Serde, Serdes } from '../../serdes/serde';
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
import { CachingKeyValueStore, CachingWindowStore } from './caching-stores';
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

const stringSerde = Serdes.String();
// Every code unit below 0x80 (control characters included: they are ASCII too).
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/**
 * A key as {@link KeyBytes}. An ASCII string under the string serde is its own
 * UTF-8 bytes read as latin1, so it is used as is (the common case: ids and
 * names), saving two buffer copies per store operation.
 */
function serializedKey<K>(serde: Serde<K>, key: K, store: string): KeyBytes {
  if (serde === stringSerde && typeof key === 'string' && ASCII.test(key)) return key;
  return toKeyBytes(serde.serialize(key, store));
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
      newValue:
        e.held !== undefined
          ? (e.held.value as V | null)
          : e.newValue === null
            ? null
            : valueSerde.deserialize(e.newValue, store),
      oldValue: e.oldValue === null ? null : valueSerde.deserialize(e.oldValue, store),
      timestamp: e.timestamp,
      ...(e.windowStart === undefined ? {} : { windowStart: e.windowStart }),
    });
}

/**
 * Outermost layer: serdes and operation counts. Every inner layer (changelog,
 * inner store) works on bytes. A caching layer right below holds the values
 * this layer writes as objects until it flushes them, so a key updated many
 * times between two commits is serialized once per commit, and reading it
 * back costs no deserialization.
 *
 * The price is the object contract: a value read from a caching store may be
 * the very object the last `put` stored. Write a changed value back with `put`
 * (mutating it in place and putting it back is fine); do not change a value you
 * read without putting it back.
 */
export class MeteredKeyValueStore<K, V>
  extends WrappedStore<BytesKeyValueStore>
  implements KeyValueStore<K, V>, TaskStore
{
  private readonly cache: CachingKeyValueStore | undefined;
  private readonly serializeValue = (value: unknown): Buffer =>
    this.valueSerde.serialize(value as V, this.name);

  constructor(
    inner: BytesKeyValueStore,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {
    super(inner);
    this.cache = inner instanceof CachingKeyValueStore ? inner : undefined;
  }

  get(key: K): V | undefined {
    const keyBytes = this.keyBytes(key);
    const held = this.cache?.heldValue(keyBytes);
    if (held !== undefined) return (held.value as V | null) ?? undefined;
    const bytes = this.inner.get(keyBytes);
    return bytes === undefined ? undefined : this.valueSerde.deserialize(bytes, this.name);
  }

  put(key: K, value: V | null): void {
    this.context.metrics.storePuts.add(1);
    if (this.cache !== undefined) {
      this.cache.putHeld(this.keyBytes(key), value, this.serializeValue);
      return;
    }
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
    return serializedKey(this.keySerde, key, this.name);
  }

  private typed(k: KeyBytes, v: Buffer): KeyValue<K, V> {
    return {
      key: this.keySerde.deserialize(fromKeyBytes(k), this.name),
      value: this.valueSerde.deserialize(v, this.name),
    };
  }
}

/** Outermost window layer: serdes and operation counts; objects held by the cache as in {@link MeteredKeyValueStore}. */
export class MeteredWindowStore<K, V>
  extends WrappedWindowStore<BytesWindowStore>
  implements WindowStore<K, V>, TaskStore
{
  private readonly cache: CachingWindowStore | undefined;
  private readonly serializeValue = (value: unknown): Buffer =>
    this.valueSerde.serialize(value as V, this.name);

  constructor(
    inner: BytesWindowStore,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {
    super(inner);
    this.cache = inner instanceof CachingWindowStore ? inner : undefined;
  }

  fetch(key: K, windowStart: number): V | undefined {
    const keyBytes = this.keyBytes(key);
    const held = this.cache?.heldValue(keyBytes, windowStart);
    if (held !== undefined) return (held.value as V | null) ?? undefined;
    const bytes = this.inner.fetch(keyBytes, windowStart);
    return bytes === undefined ? undefined : this.valueSerde.deserialize(bytes, this.name);
  }

  put(key: K, value: V | null, windowStart: number): void {
    this.context.metrics.storePuts.add(1);
    if (this.cache !== undefined) {
      this.cache.putHeld(this.keyBytes(key), value, windowStart, this.serializeValue);
      return;
    }
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
    return serializedKey(this.keySerde, key, this.name);
  }
}
