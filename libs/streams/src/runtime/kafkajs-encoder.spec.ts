/**
 * The kafkajs Encoder hunk of patches/kafkajs+2.2.4.patch: buffers come from
 * `Buffer.allocUnsafe` (no zero fill per record), and what the encoder exposes
 * is still exactly the bytes it wrote, whatever garbage the pool held before.
 */
const Encoder = require('kafkajs/src/protocol/encoder') as new () => {
  writeInt32(value: number): unknown;
  buffer: Buffer;
};
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: {
  key: Buffer;
  value: Buffer;
  headers?: Record<string, string>;
}) => { buffer: Buffer };
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => { readVarInt(): number };
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
});
