/**
 * Serdes turn keys and values into bytes and back. They are pluggable: an app
 * passes its own (for example a Confluent-framed Avro serde) through
 * `Consumed.with`, `Produced.with`, `Grouped.with` and `Materialized.with`.
 *
 * `null` is never passed to a serde: a null value is a tombstone and a null key
 * is "no key"; the engine handles both before calling the serde.
 */

/** Converts a `T` to bytes and back. Implementations must be synchronous and pure. */
export interface Serde<T> {
  serialize(data: T, topic: string): Buffer;
  deserialize(data: Buffer, topic: string): T;
}

const stringSerde: Serde<string> = {
  serialize: (data) => Buffer.from(data, 'utf8'),
  deserialize: (data) => data.toString('utf8'),
};

const bufferSerde: Serde<Buffer> = {
  serialize: (data) => data,
  deserialize: (data) => data,
};

/**
 * Big-endian 8-byte signed integer, byte-compatible with Kafka's `LongSerializer`,
 * so a Java consumer reads our counts. Exact up to 2^53 (JS numbers).
 */
const longSerde: Serde<number> = {
  serialize: (data) => {
    const buf = Buffer.allocUnsafe(8);
    buf.writeBigInt64BE(BigInt(Math.trunc(data)));
    return buf;
  },
  deserialize: (data) => Number(data.readBigInt64BE(0)),
};

/** Big-endian IEEE-754 double, byte-compatible with Kafka's `DoubleSerializer`. */
const doubleSerde: Serde<number> = {
  serialize: (data) => {
    const buf = Buffer.allocUnsafe(8);
    buf.writeDoubleBE(data);
    return buf;
  },
  deserialize: (data) => data.readDoubleBE(0),
};

/**
 * The built-in serdes.
 *
 * @example
 * ```ts
 * builder.stream('words', Consumed.with(Serdes.String(), Serdes.String()));
 * builder.stream('orders', Consumed.with(Serdes.String(), Serdes.Json<Order>()));
 * ```
 */
export const Serdes = {
  /** UTF-8 strings. */
  String: (): Serde<string> => stringSerde,
  /** Raw bytes, passed through. */
  Buffer: (): Serde<Buffer> => bufferSerde,
  /** 8-byte big-endian integers (Kafka `LongSerializer` format). */
  Long: (): Serde<number> => longSerde,
  /** 8-byte big-endian doubles (Kafka `DoubleSerializer` format). */
  Double: (): Serde<number> => doubleSerde,
  /** UTF-8 JSON. The type parameter is a promise the caller makes; no validation happens. */
  Json: <T>(): Serde<T> => ({
    serialize: (data) => Buffer.from(JSON.stringify(data), 'utf8'),
    deserialize: (data) => JSON.parse(data.toString('utf8')) as T,
  }),
};
