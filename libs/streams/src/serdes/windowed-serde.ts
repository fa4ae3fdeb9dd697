import { Windowed } from '../state/stores';
import { Serde } from './serde';

/**
 * Serdes for windowed keys, byte-compatible with Kafka Streams'
 * `TimeWindowedSerializer`: the inner key bytes followed by the 8-byte
 * big-endian window start. The window end is not on the wire, so the reader
 * must know the window size.
 *
 * @example
 * ```ts
 * windowedCounts.toStream().to('sales-1m',
 *   Produced.with(WindowedSerdes.timeWindowed(Serdes.String(), 60_000), Serdes.Long()));
 * ```
 */
export const WindowedSerdes = {
  /** A serde for `Windowed<K>` keys of time windows of `windowSizeMs`. */
  timeWindowed<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
    return {
      serialize: (data, topic) => {
        const key = inner.serialize(data.key, topic);
        const out = Buffer.allocUnsafe(key.length + 8);
        key.copy(out, 0);
        out.writeBigInt64BE(BigInt(data.window.start), key.length);
        return out;
      },
      deserialize: (data, topic) => {
        const split = data.length - 8;
        const start = Number(data.readBigInt64BE(split));
        return {
          key: inner.deserialize(data.subarray(0, split), topic),
          window: { start, end: start + windowSizeMs },
        };
      },
    };
  },
};
