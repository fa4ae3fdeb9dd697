import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StreamsConfigError } from '../../errors';
import { fromKeyBytes, StoreCheckpoint, StoreContext, toKeyBytes } from './bytes-stores';
import { InMemoryKeyValueStore } from './in-memory-key-value-store';
import { PayloadReader, PayloadWriter, readSnapshot, writeSnapshot } from './snapshot-file';

/** The task state directory a persistent store needs, or a config error that says how to get one. */
export function requireStateDir(name: string, context: StoreContext): string {
  if (context.taskStateDir === undefined) {
    throw new StreamsConfigError(`Store '${name}' is persistent: set 'state.dir' in the streams config.`);
  }
  mkdirSync(context.taskStateDir, { recursive: true });
  return context.taskStateDir;
}

/**
 * A persistent key-value layer: the in-memory map plus a snapshot file in the
 * task's state directory (`<state.dir>/<application.id>/<taskId>/<store>.kv`).
 *
 * Why not RocksDB or LMDB: every maintained embedded KV package for Node
 * (`rocksdb`, `classic-level`, `lmdb`) ships or downloads a native binary, and
 * this blueprint must install with no native downloads; `node:sqlite` is still
 * experimental in Node 24. Reads stay in memory (the data set must fit); the
 * snapshot only saves a restart from replaying the whole changelog.
 *
 * The snapshot is written whole on clean close, after the task's final
 * commit, and only then does the task checkpoint name it (by CRC-32) together
 * with the changelog offset it covers. On open the store loads it only if the
 * checkpoint entry vouches for exactly this file; anything else (no
 * checkpoint, torn or corrupt file, CRC mismatch) deletes it and the store
 * starts empty, so the restorer replays the changelog from its start.
 */
export class FileKeyValueStore extends InMemoryKeyValueStore {
  override readonly persistent: boolean = true;
  private file: string | undefined;
  private loaded: StoreCheckpoint | undefined;

  override init(context: StoreContext): void {
    this.file = join(requireStateDir(this.name, context), `${this.name}.kv`);
    this.map.clear();
    this.loaded = undefined;
    const checkpoint = context.checkpoint;
    const payload = checkpoint === undefined ? undefined : readSnapshot(this.file, checkpoint.crc);
    if (payload !== undefined && this.decode(payload)) {
      this.loaded = checkpoint;
    } else {
      this.map.clear();
      rmSync(this.file, { force: true });
    }
  }

  override localCheckpoint(): StoreCheckpoint | undefined {
    return this.loaded;
  }

  override writeSnapshot(): number | undefined {
    if (this.file === undefined) return undefined;
    const out = new PayloadWriter();
    for (const [key, value] of this.map) out.bytes(fromKeyBytes(key)).bytes(value);
    return writeSnapshot(this.file, out.toBuffer());
  }

  /** Fills the map from a snapshot payload; false when it is malformed. */
  private decode(payload: Buffer): boolean {
    try {
      const reader = new PayloadReader(payload);
      while (!reader.done) this.map.set(toKeyBytes(reader.bytes()), reader.bytes());
      return true;
    } catch {
      return false;
    }
  }
}
