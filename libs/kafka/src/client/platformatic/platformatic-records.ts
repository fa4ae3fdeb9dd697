/**
 * Records between kafkajs's shapes and @platformatic/kafka's. kafkajs takes
 * strings or Buffers and hands out Buffers, header objects (an array for a
 * repeated header) and offsets as decimal strings; @platformatic/kafka, with
 * its default no-op serdes, takes and hands out Buffers, header Maps and
 * bigint offsets. Keeping the conversions in one place keeps both directions
 * exact: what a kafkajs caller sends is what a kafkajs caller reads back.
 */
import type { IHeaders, KafkaMessage, Message, RecordMetadata } from 'kafkajs';
import type * as Platformatic from '@platformatic/kafka';

/** The record @platformatic/kafka's producer takes, with Buffers throughout. */
export type ProducedRecord = Platformatic.MessageToProduce<Buffer, Buffer, Buffer, Buffer>;
/** The record @platformatic/kafka's consumer hands out, with Buffers throughout. */
export type ConsumedRecord = Platformatic.Message<Buffer, Buffer, Buffer, Buffer>;

function toBuffer(data: Buffer | string | null | undefined): Buffer | undefined {
  if (data === null || data === undefined) return undefined;
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/**
 * A kafkajs message for `topic` as @platformatic/kafka sends it. Headers go
 * into a Map keyed by distinct Buffers, so a header kafkajs repeats (an array
 * value) stays repeated on the wire.
 */
export function toProducedRecord(topic: string, message: Message): ProducedRecord {
  const headers = new Map<Buffer, Buffer>();
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (value === undefined) continue;
      headers.set(Buffer.from(name), toBuffer(value) as Buffer);
    }
  }
  const record: ProducedRecord = { topic, headers };
  const key = toBuffer(message.key);
  const value = toBuffer(message.value);
  if (key !== undefined) record.key = key;
  if (value !== undefined) record.value = value;
  if (message.partition !== undefined) record.partition = message.partition;
  if (message.timestamp !== undefined) record.timestamp = BigInt(message.timestamp);
  return record;
}

/** A consumed record in kafkajs's shape: Buffers or null, string offset and timestamp, header object. */
export function toKafkaJsMessage(record: ConsumedRecord): KafkaMessage {
  const headers: IHeaders = {};
  for (const [rawName, value] of record.headerEntries) {
    const name = rawName.toString();
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else headers[name] = [...(Array.isArray(seen) ? seen : [seen]), value] as Buffer[];
  }
  return {
    key: record.key ?? null,
    value: record.value ?? null,
    timestamp: record.timestamp.toString(),
    attributes: 0,
    offset: record.offset.toString(),
    headers,
  } as KafkaMessage;
}

/**
 * The kafkajs result of a send: one entry per partition written, with the
 * base offset the broker assigned. @platformatic/kafka reports neither the log
 * append time nor the log start offset, so both are `-1`, kafkajs's value
 * for "not given".
 */
export function toRecordMetadata(result: Platformatic.ProduceResult): RecordMetadata[] {
  return (result.offsets ?? []).map(({ topic, partition, offset }) => ({
    topicName: topic,
    partition,
    errorCode: 0,
    baseOffset: offset.toString(),
    logAppendTime: '-1',
    logStartOffset: '-1',
  }));
}

const POSITIVE_31_BITS = 0x7fffffff;

/**
 * A partitioner that places records as kafkajs's `DefaultPartitioner` and
 * Java's client do: a keyed record on murmur2(key) with the sign bit masked,
 * modulo the partition count (which @platformatic/kafka applies), and keyless
 * records round-robin per topic. @platformatic/kafka's own default does not
 * mask (`>>> 0`), so without this a key could land elsewhere than kafkajs
 * puts it, and per-key order across the two clients would break.
 */
export function javaCompatiblePartitioner(
  murmur2: (data: Buffer) => number,
): (message: ProducedRecord, key: Buffer | undefined) => number {
  const next = new Map<string, number>();
  return (message, key) => {
    if (key !== undefined) return murmur2(key) & POSITIVE_31_BITS;
    const counter = next.get(message.topic) ?? 0;
    next.set(message.topic, (counter + 1) & POSITIVE_31_BITS);
    return counter;
  };
}
