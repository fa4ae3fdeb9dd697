/**
 * The encoding hunks of patches/kafkajs+2.2.4.patch, which exist for speed and
 * so must not change a byte: the Encoder's buffers come from
 * `Buffer.allocUnsafe` (no zero fill per record) and it writes varints in
 * place, yet it exposes exactly the bytes it wrote; murmur2 uses Math.imul and
 * still gives Kafka's partitions; CRC-32C runs eight bytes per step and gives
 * the same checksums.
 */
import { randomBytes } from 'node:crypto';

const Encoder = require('kafkajs/src/protocol/encoder') as new () => {
  writeInt32(value: number): unknown;
  writeVarInt(value: number): unknown;
  writeUVarInt(value: number): unknown;
  writeVarLong(value: number | bigint): unknown;
  buffer: Buffer;
};
const EncoderStatics = require('kafkajs/src/protocol/encoder') as { sizeOfVarLong(value: number): number };
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (data: Buffer) => number;
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (
  key: Buffer | string,
) => number;
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: {
  key: Buffer;
  value: Buffer;
  headers?: Record<string, string>;
}) => { buffer: Buffer };
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => {
  readVarInt(): number;
  readUVarInt(): number;
  readVarLong(): { toString(): string };
};
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (
  decoder: unknown,
  context: Record<string, unknown>,
) => { key: Buffer; value: Buffer; headers: Record<string, Buffer> };

describe('patched kafkajs Encoder', () => {
  afterEach(() => jest.restoreAllMocks());

  it('encodes a record without a zero-filled allocation', () => {
    const alloc = jest.spyOn(Buffer, 'alloc');
    const unsafe = jest.spyOn(Buffer, 'allocUnsafe');
    encodeRecord({ key: Buffer.from('store-1'), value: Buffer.alloc(600, 7) });
    // The spy saw our own Buffer.alloc(600) above; none from the encoder.
    expect(alloc).toHaveBeenCalledTimes(1);
    expect(unsafe).toHaveBeenCalled();
  });

  it('exposes only the bytes it wrote, even over a pool full of garbage', () => {
    for (let i = 0; i < 64; i++) Buffer.allocUnsafe(512).fill(0xff);
    const encoder = new Encoder();
    encoder.writeInt32(1);
    expect([...encoder.buffer]).toEqual([0, 0, 0, 1]);

    const value = Buffer.from('x'.repeat(2_000)); // past the initial 512 bytes: ensureAvailable grows it
    const { buffer } = encodeRecord({ key: Buffer.from('k'), value, headers: { trace: 'abc' } });
    const decoder = new Decoder(buffer);
    expect(decoder.readVarInt()).toBe(buffer.length - 2); // the length prefix: a 2-byte varint here
    const record = decodeRecord(decoder, { firstOffset: '0', firstTimestamp: '0' });
    expect(record.key.toString()).toBe('k');
    expect(record.value.equals(value)).toBe(true);
    expect(record.headers['trace']?.toString()).toBe('abc');
  });

  it('writes varints and varlongs as LEB128 with zigzag, as the decoder reads them', () => {
    const ints = [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, 16_383, 16_384, 2 ** 31 - 1, -(2 ** 31)];
    const longs = [0n, 1n, -1n, 2n ** 35n, -(2n ** 35n), 2n ** 62n, -(2n ** 63n), 2n ** 63n - 1n];
    const encoder = new Encoder();
    for (const v of ints) encoder.writeVarInt(v);
    for (const v of [0, 127, 128, 2 ** 32 - 1]) encoder.writeUVarInt(v);
    for (const v of longs) encoder.writeVarLong(v);
    const decoder = new Decoder(encoder.buffer);
    expect(ints.map(() => decoder.readVarInt())).toEqual(ints);
    expect([0, 127, 128, 2 ** 32 - 1].map(() => decoder.readUVarInt() >>> 0)).toEqual([
      0,
      127,
      128,
      2 ** 32 - 1,
    ]);
    expect(longs.map(() => BigInt(decoder.readVarLong().toString()))).toEqual(longs);
    // Byte-exact for known encodings: 300 zigzags to 600 = 0xd8 0x04; -1 to 1.
    const known = new Encoder();
    known.writeVarInt(300);
    known.writeVarInt(-1);
    expect([...known.buffer]).toEqual([0xd8, 0x04, 0x01]);
  });

  it('encodes a varlong given as a number (the fast path) byte for byte as the same value as a bigint', () => {
    const edges = [
      0,
      1,
      -1,
      63,
      -64,
      64,
      -65,
      127,
      128,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 52 - 1,
      -(2 ** 52) + 1,
    ];
    const random = Array.from({ length: 2_000 }, (_, i) => Math.round((Math.random() - 0.5) * 2 ** (i % 53)));
    for (const v of [...edges, ...random, Date.now(), -Date.now()]) {
      const asNumber = new Encoder();
      asNumber.writeVarLong(v);
      const asBigint = new Encoder();
      asBigint.writeVarLong(BigInt(v));
      expect([v, ...asNumber.buffer]).toEqual([v, ...asBigint.buffer]);
      expect(EncoderStatics.sizeOfVarLong(v)).toBe(asBigint.buffer.length);
    }
  });

  it('checksums record batches with CRC-32C: the standard check value, and a bitwise reference at every length', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    for (let length = 0; length < 200; length++) {
      const data = randomBytes(length);
      expect([length, crc32C(data)]).toEqual([length, referenceCrc32C(data)]);
    }
    const large = randomBytes(1 << 16);
    expect(crc32C(large)).toBe(referenceCrc32C(large));
  });

  it("partitions like Kafka: murmur2 matches Kafka's test vectors and a 64-bit reference", () => {
    // Kafka's UtilsTest.testMurmur2 (clients/src/test/java/org/apache/kafka/common/utils).
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
    expect(murmur2('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
    expect(murmur2(Buffer.from('abc'))).toBe(479470107);
    for (let i = 0; i < 2_000; i++) {
      const key = randomBytes(i % 67);
      expect(murmur2(key)).toBe(referenceMurmur2(key));
    }
  });
});

/** Java's int murmur2 written with BigInt, independent of the patched function's Math.imul. */
function referenceMurmur2(data: Buffer): number {
  const int = (x: bigint) => BigInt.asIntN(32, x);
  const m = 0x5bd1e995n;
  let h = int(0x9747b28cn ^ BigInt(data.length));
  const full = data.length - (data.length % 4);
  for (let i = 0; i < full; i += 4) {
    let k = BigInt(data.readInt32LE(i));
    k = int(k * m);
    k = int(k ^ (BigInt.asUintN(32, k) >> 24n));
    k = int(k * m);
    h = int(int(h * m) ^ k);
  }
  const rest = data.length % 4;
  if (rest >= 3) h = int(h ^ (BigInt(data[full + 2] as number) << 16n));
  if (rest >= 2) h = int(h ^ (BigInt(data[full + 1] as number) << 8n));
  if (rest >= 1) h = int(int(h ^ BigInt(data[full] as number)) * m);
  h = int(h ^ (BigInt.asUintN(32, h) >> 13n));
  h = int(h * m);
  h = int(h ^ (BigInt.asUintN(32, h) >> 15n));
  return Number(h);
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82f63b78) one bit at a time, independent of kafkajs' tables. */
function referenceCrc32C(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
