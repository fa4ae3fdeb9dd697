import { RecordCollector } from '../../processor/internals/record-collector';
import { StreamsMetrics } from '../../telemetry/metrics';

/**
 * A serialized key as a binary-safe string: one UTF-16 code unit per byte
 * (`buffer.toString('latin1')`). Strings are cheap Map keys and compare in
 * unsigned byte order, the order Kafka Streams' `Bytes` gives range queries.
 */
export type KeyBytes = string;

/** Converts a serialized key to {@link KeyBytes}. */
export const toKeyBytes = (buf: Buffer): KeyBytes => buf.toString('latin1');
/** Converts {@link KeyBytes} back to the serialized key. */
export const fromKeyBytes = (key: KeyBytes): Buffer => Buffer.from(key, 'latin1');

/** What a store learns about its task when the task initialises it. */
export interface StoreContext {
  readonly applicationId: string;
  readonly taskId: string;
  readonly partition: number;
  /** Resolved changelog topic, when logging is enabled. */
  readonly changelogTopic: string | undefined;
  readonly collector: RecordCollector;
  /** `<state.dir>/<application.id>/<taskId>`, when persistence is configured. */
  readonly taskStateDir: string | undefined;
  readonly metrics: StreamsMetrics;
  /**
   * Persistent stores only: this store's entry of the task checkpoint, read
   * (and checked against the changelog) when the task started. A store loads
   * its local snapshot only when the snapshot's CRC-32 matches this entry;
   * otherwise it starts empty and the changelog is restored from its start.
   */
  readonly checkpoint?: StoreCheckpoint;
  /** Timestamp of the record being processed; changelog records carry it. */
  currentTimestamp(): number;
}

/**
 * What a task's checkpoint file records for one persistent store: which
 * snapshot file it vouches for and the changelog offset that snapshot covers.
 */
export interface StoreCheckpoint {
  /** Next changelog offset the snapshot does not contain; undefined when the store is not logged. */
  readonly offset: number | undefined;
  /** CRC-32 of the snapshot's payload: binds the checkpoint to one snapshot file. */
  readonly crc: number;
}

/** Lifecycle every layer shares. */
export interface StoreLifecycle {
  readonly name: string;
  readonly persistent: boolean;
  init(context: StoreContext): void;
  /** Pushes buffered writes down (caches) and makes them durable (files). Runs at every commit. */
  flush(): void;
  close(): void;
  /**
   * Persistent stores: the checkpoint whose snapshot `init` loaded (restore
   * resumes at its offset); undefined when the store started empty.
   */
  localCheckpoint(): StoreCheckpoint | undefined;
  /**
   * Persistent stores: writes the whole store to its snapshot file durably
   * (write, fsync, rename) and returns the payload's CRC-32. In-memory
   * stores return undefined. Called on clean close, after the final commit.
   */
  writeSnapshot(): number | undefined;
}

/** A value as the metered layer wrote it into the cache (null: a delete). */
export interface HeldValue {
  readonly value: unknown;
}

/** A cache entry leaving the caching layer: new value and the value it replaced. */
export interface FlushedEntry {
  readonly key: KeyBytes;
  readonly newValue: Buffer | null;
  /** `newValue` as the object the metered layer wrote, when it wrote one (saves a deserialize). */
  readonly held?: HeldValue | undefined;
  readonly oldValue: Buffer | null;
  readonly timestamp: number;
  /** For window stores: the window the entry belongs to. */
  readonly windowStart?: number;
}

/** Receives entries evicted or flushed from a cache, to forward downstream. */
export type FlushListener = (entry: FlushedEntry) => void;

/** Byte-level key-value store: the contract between the layers. */
export interface BytesKeyValueStore extends StoreLifecycle {
  get(key: KeyBytes): Buffer | undefined;
  put(key: KeyBytes, value: Buffer | null): void;
  /** Sorted by key; bounds inclusive; undefined bound = open. */
  range(from: KeyBytes | undefined, to: KeyBytes | undefined): Array<[KeyBytes, Buffer]>;
  approximateNumEntries(): number;
  /** Applies one changelog record straight to the innermost store (restore path). */
  restore(key: Buffer, value: Buffer | null): void;
  /** Registers the cache flush listener; false when no caching layer exists. */
  setFlushListener(listener: FlushListener): boolean;
}

/** Byte-level window store: values per key per window start. */
export interface BytesWindowStore extends StoreLifecycle {
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  fetch(key: KeyBytes, windowStart: number): Buffer | undefined;
  put(key: KeyBytes, value: Buffer | null, windowStart: number): void;
  fetchRange(key: KeyBytes, timeFrom: number, timeTo: number): Array<[number, Buffer]>;
  all(): Array<[KeyBytes, number, Buffer]>;
  restore(changelogKey: Buffer, value: Buffer | null): void;
  setFlushListener(listener: FlushListener): boolean;
}

/**
 * Window changelog key: the serialized key followed by the 8-byte big-endian
 * window start, like Kafka Streams' `WindowKeySchema` (without its sequence
 * number, since we keep one value per key and window).
 */
export function windowChangelogKey(key: KeyBytes, windowStart: number): Buffer {
  const keyBuf = fromKeyBytes(key);
  const out = Buffer.allocUnsafe(keyBuf.length + 8);
  keyBuf.copy(out, 0);
  out.writeBigInt64BE(BigInt(windowStart), keyBuf.length);
  return out;
}

/** Splits a window changelog key back into key and window start. */
export function parseWindowChangelogKey(buf: Buffer): { key: KeyBytes; windowStart: number } {
  const split = buf.length - 8;
  return { key: buf.toString('latin1', 0, split), windowStart: Number(buf.readBigInt64BE(split)) };
}
