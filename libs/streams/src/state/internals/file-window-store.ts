import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fromKeyBytes, KeyBytes, StoreCheckpoint, StoreContext, toKeyBytes } from './bytes-stores';
import { requireStateDir } from './file-key-value-store';
import { InMemoryWindowStore } from './in-memory-window-store';
import { PayloadReader, PayloadWriter, readSnapshot, writeSnapshot } from './snapshot-file';

/**
 * A persistent window layer: the in-memory segments plus a snapshot file
 * (`<store>.win`) written on clean close and trusted only through the task
 * checkpoint, exactly like {@link FileKeyValueStore}. The snapshot keeps the
 * store's observed stream time too, so windows that expired before the
 * restart stay expired after it.
 *
 * Payload: i64 observed stream time, then per entry: key, i64 window start, value.
 */
export class FileWindowStore extends InMemoryWindowStore {
  override readonly persistent: boolean = true;
  private file: string | undefined;
  private loaded: StoreCheckpoint | undefined;

  override init(context: StoreContext): void {
    this.file = join(requireStateDir(this.name, context), `${this.name}.win`);
    this.reset();
    const checkpoint = context.checkpoint;
    const payload = checkpoint === undefined ? undefined : readSnapshot(this.file, checkpoint.crc);
    if (payload !== undefined && this.decode(payload)) {
      this.loaded = checkpoint;
    } else {
      this.reset();
      rmSync(this.file, { force: true });
    }
  }

  override localCheckpoint(): StoreCheckpoint | undefined {
    return this.loaded;
  }

  override writeSnapshot(): number | undefined {
    if (this.file === undefined) return undefined;
    const out = new PayloadWriter();
    out.int64(Number.isFinite(this.observedStreamTime) ? this.observedStreamTime : Number.MIN_SAFE_INTEGER);
    for (const [key, start, value] of this.all()) out.bytes(fromKeyBytes(key)).int64(start).bytes(value);
    return writeSnapshot(this.file, out.toBuffer());
  }

  private reset(): void {
    this.segments.clear();
    this.observedStreamTime = Number.NEGATIVE_INFINITY;
    this.loaded = undefined;
  }

  /** Fills the segments from a snapshot payload; false when it is malformed. */
  private decode(payload: Buffer): boolean {
    try {
      const reader = new PayloadReader(payload);
      const observed = reader.int64();
      this.observedStreamTime = observed === Number.MIN_SAFE_INTEGER ? Number.NEGATIVE_INFINITY : observed;
      while (!reader.done) {
        const key: KeyBytes = toKeyBytes(reader.bytes());
        const start = reader.int64();
        const value = reader.bytes();
        let segment = this.segments.get(start);
        if (!segment) this.segments.set(start, (segment = new Map()));
        segment.set(key, value);
      }
      return true;
    } catch {
      return false;
    }
  }
}
