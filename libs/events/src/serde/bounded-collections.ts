/**
 * Guards avsc's map and array readers against hostile block counts.
 *
 * avsc reads a block count and then loops that many times. A corrupt or
 * random body can claim 2^50 entries: past the end of the buffer every read
 * is a cheap no-op, so the loop spins for hours and the consumer hangs instead
 * of failing. A real block can never hold more entries than there are bytes
 * left (every map entry has at least its key length), so we stop there.
 *
 * avsc freezes its types, so the guard is a subclass, built through avsc's
 * `typeHook`. avsc copies a reader's `_read` into every resolver it creates
 * (`MapType#_update`), so resolved reads are guarded too. Relies on avsc 5.7's
 * internal Tap API (pinned in package.json).
 */
import * as avro from 'avsc';

interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
  _invalidate(): void;
}
interface Readable {
  _read(tap: Tap): unknown;
}

function blockCount(tap: Tap): number {
  let n = tap.readLong();
  if (n < 0) {
    n = -n;
    tap.skipLong(); // Negative counts are followed by the block's byte size.
  }
  return n;
}

function boundedMapRead(this: { valuesType: Readable }, tap: Tap): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  let n: number;
  while ((n = blockCount(tap))) {
    if (n > tap.buf.length - tap.pos) {
      tap._invalidate();
      return value;
    }
    while (n--) {
      const key = tap.readString();
      value[key] = this.valuesType._read(tap);
    }
  }
  return value;
}

function boundedArrayRead(this: { itemsType: Readable }, tap: Tap): unknown[] {
  const value: unknown[] = [];
  let n: number;
  while ((n = blockCount(tap))) {
    if (n > tap.buf.length - tap.pos) {
      tap._invalidate();
      return value;
    }
    while (n--) value.push(this.itemsType._read(tap));
  }
  return value;
}

class BoundedMapType extends avro.types.MapType {
  _read(tap: Tap): Record<string, unknown> {
    return boundedMapRead.call(this as unknown as { valuesType: Readable }, tap);
  }
}

class BoundedArrayType extends avro.types.ArrayType {
  _read(tap: Tap): unknown[] {
    return boundedArrayRead.call(this as unknown as { itemsType: Readable }, tap);
  }
}

/**
 * avsc `typeHook` that builds every map and array with a bounded reader.
 * Pass it to `Type.forSchema(schema, { typeHook: boundedCollections })`.
 */
export function boundedCollections(schema: avro.Schema, opts: avro.ForSchemaOptions): avro.Type | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const s = schema as { type?: unknown; items?: unknown; logicalType?: unknown };
  if (s.logicalType !== undefined) return undefined;
  if (s.type === 'map') return new BoundedMapType(schema, opts);
  // Items of type null take no bytes, so the byte bound would reject valid data.
  if (s.type === 'array' && s.items !== 'null') return new BoundedArrayType(schema, opts);
  return undefined;
}
