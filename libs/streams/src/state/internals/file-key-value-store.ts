import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamsConfigError } from '../../errors';
import { KeyBytes, StoreContext } from './bytes-stores';
import { InMemoryKeyValueStore } from './in-memory-key-value-store';

/**
 * A persistent key-value layer: the in-memory map plus an append-only file in
 * the task's state directory, compacted when the store opens.
 *
 * Why not RocksDB or LMDB: every maintained embedded KV package for Node
 * (`rocksdb`, `classic-level`, `lmdb`) ships or downloads a native binary, and
 * this blueprint must install with no native downloads; `node:sqlite` is still
 * experimental in Node 24. Reads stay in memory; the file only saves the
 * restart from replaying the whole changelog (the task's checkpoint file says
 * from which changelog offset to resume). The data set must fit in memory.
 *
 * Record format: u32 key length, key, i32 value length (-1 = tombstone), value.
 */
export class FileKeyValueStore extends InMemoryKeyValueStore {
  override readonly persistent: boolean = true;
  private readonly pending = new Map<KeyBytes, Buffer | null>();
  private file: string | undefined;

  override init(context: StoreContext): void {
    if (context.taskStateDir === undefined) {
      throw new StreamsConfigError(
        `Store '${this.name}' is persistent: set 'state.dir' in the streams config.`,
      );
    }
    mkdirSync(context.taskStateDir, { recursive: true });
    this.file = join(context.taskStateDir, `${this.name}.kv`);
    if (existsSync(this.file)) this.load(readFileSync(this.file));
    this.compact();
  }

  override put(key: KeyBytes, value: Buffer | null): void {
    super.put(key, value);
    this.pending.set(key, value);
  }

  override flush(): void {
    if (this.pending.size === 0 || this.file === undefined) return;
    appendFileSync(this.file, FileKeyValueStore.encode(this.pending.entries()));
    this.pending.clear();
  }

  override close(): void {
    this.flush();
    super.close();
  }

  private load(buf: Buffer): void {
    let pos = 0;
    while (pos + 8 <= buf.length) {
      const keyLen = buf.readUInt32BE(pos);
      const key = buf.toString('latin1', pos + 4, pos + 4 + keyLen);
      pos += 4 + keyLen;
      const valueLen = buf.readInt32BE(pos);
      pos += 4;
      if (valueLen < 0) {
        this.map.delete(key);
      } else {
        // A torn write at the tail (crash mid-append) ends the log.
        if (pos + valueLen > buf.length) break;
        this.map.set(key, Buffer.from(buf.subarray(pos, pos + valueLen)));
        pos += valueLen;
      }
    }
  }

  /** Rewrites the file with live entries only, atomically (write then rename). */
  private compact(): void {
    const file = this.file as string;
    writeFileSync(`${file}.tmp`, FileKeyValueStore.encode(this.map.entries()));
    renameSync(`${file}.tmp`, file);
  }

  private static encode(entries: Iterable<[KeyBytes, Buffer | null]>): Buffer {
    const parts: Buffer[] = [];
    for (const [key, value] of entries) {
      const head = Buffer.allocUnsafe(4 + key.length + 4);
      head.writeUInt32BE(key.length, 0);
      head.write(key, 4, 'latin1');
      head.writeInt32BE(value === null ? -1 : value.length, 4 + key.length);
      parts.push(head);
      if (value !== null) parts.push(value);
    }
    return Buffer.concat(parts);
  }
}
