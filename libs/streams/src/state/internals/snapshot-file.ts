import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * Crash-safe files for persistent stores and task checkpoints.
 *
 * A file is replaced, never edited in place: the new content goes to
 * `<file>.tmp`, is fsynced, renamed over the old file, and the directory is
 * fsynced so the rename itself is durable (POSIX rename is atomic, but only
 * a directory fsync makes it survive a power cut). A reader therefore sees the
 * old file or the new one, never a mix; a torn `.tmp` is ignored.
 *
 * A snapshot also carries its own length and CRC-32, so a file damaged on disk
 * (or cut short by a filesystem that lied about fsync) is detected and the
 * store falls back to a full changelog restore instead of serving wrong state.
 *
 * Layout: `EDASNAP1` | u64 payload length | payload | u32 CRC-32(payload).
 */
const MAGIC = Buffer.from('EDASNAP1', 'latin1');
const HEADER = MAGIC.length + 8;
const TRAILER = 4;

/** Writes `data` to `file` atomically and durably (write tmp, fsync, rename, fsync dir). */
export function writeFileDurably(file: string, data: Buffer | string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let pos = 0; pos < buf.length;) pos += writeSync(fd, buf, pos, buf.length - pos);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  syncDirectory(dirname(file));
}

/** Makes a rename or unlink in `dir` durable. Some platforms cannot fsync a directory: best effort there. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // e.g. Windows (EISDIR/EPERM): the rename is still atomic, only its durability is weaker.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes a snapshot (framed, checksummed) durably; returns the payload's CRC-32. */
export function writeSnapshot(file: string, payload: Buffer): number {
  const crc = crc32(payload);
  const head = Buffer.allocUnsafe(HEADER);
  MAGIC.copy(head, 0);
  head.writeBigUInt64BE(BigInt(payload.length), MAGIC.length);
  const tail = Buffer.allocUnsafe(TRAILER);
  tail.writeUInt32BE(crc, 0);
  writeFileDurably(file, Buffer.concat([head, payload, tail]));
  return crc;
}

/**
 * Reads a snapshot's payload if the file exists, is complete, its CRC-32 is
 * intact and equals `expectedCrc` (the checkpoint's); otherwise undefined.
 */
export function readSnapshot(file: string, expectedCrc: number): Buffer | undefined {
  if (!existsSync(file)) return undefined;
  const buf = readFileSync(file);
  if (buf.length < HEADER + TRAILER || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const length = buf.readBigUInt64BE(MAGIC.length);
  if (length !== BigInt(buf.length - HEADER - TRAILER)) return undefined;
  const payload = buf.subarray(HEADER, buf.length - TRAILER);
  const crc = buf.readUInt32BE(buf.length - TRAILER);
  if (crc !== expectedCrc || crc32(payload) !== crc) return undefined;
  return payload;
}

/** Appends length-prefixed fields to a payload under construction. */
export class PayloadWriter {
  private readonly parts: Buffer[] = [];

  bytes(buf: Buffer): this {
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(buf.length, 0);
    this.parts.push(len, buf);
    return this;
  }

  int64(n: number): this {
    const buf = Buffer.allocUnsafe(8);
    buf.writeBigInt64BE(BigInt(n), 0);
    this.parts.push(buf);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Reads what {@link PayloadWriter} wrote; throws RangeError on a malformed payload. */
export class PayloadReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  bytes(): Buffer {
    const len = this.buf.readUInt32BE(this.pos);
    const start = this.pos + 4;
    if (start + len > this.buf.length) throw new RangeError('snapshot field runs past the payload');
    this.pos = start + len;
    return Buffer.from(this.buf.subarray(start, start + len));
  }

  int64(): number {
    const n = Number(this.buf.readBigInt64BE(this.pos));
    this.pos += 8;
    return n;
  }
}
