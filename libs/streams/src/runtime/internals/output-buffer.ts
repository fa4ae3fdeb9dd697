import { Message, TopicMessages } from 'kafkajs';
import { OutgoingRecord, RecordCollector } from '../../processor/internals/record-collector';

/**
 * Most messages of one topic in one produce request (one `sendBatch` call).
 *
 * kafkajs 2.2.4 split a request's messages by partition with
 * `[...current, message]` for every message, O(m^2) in the messages of one
 * topic per request (60k records: ~10 s of copying), so this cap was 1000.
 * patches/kafkajs+2.2.4.patch makes that grouping linear, and the cap is now
 * loose: the byte cap below usually ends a request first. Fewer, larger
 * requests mean fewer round trips, which the engine waits for in turn.
 */
export const MAX_MESSAGES_PER_TOPIC_PER_REQUEST = 10_000;

/**
 * Most bytes (keys, values and headers, uncompressed) of one topic in one
 * produce request. The broker refuses a partition's record batch above
 * `message.max.bytes` (1 MiB by default) with MESSAGE_TOO_LARGE, which fails
 * the instance: 1000 dead-letter records, each with its KIP-1034 headers
 * (exception message and stack trace), came to more than that. Half the
 * default leaves room for record overhead and for a topic set lower.
 */
export const MAX_BYTES_PER_TOPIC_PER_REQUEST = 512 * 1024;

/**
 * Collects a task's (or, under at-least-once, every task's) output between
 * commits. Processing stays synchronous; the buffer is drained into produce
 * requests at commit (or inside the task's transaction), or earlier when it
 * reaches `maxRecords`: the stream thread checks {@link full} after every
 * record and flushes mid-batch, so the buffer never grows with the size of a
 * fetched batch.
 */
export class OutputBuffer implements RecordCollector {
  private byTopic = new Map<string, Message[]>();
  private count = 0;
  private highWater = 0;

  constructor(
    private readonly maxRecords: number,
    private readonly onFull: () => void = () => undefined,
    private readonly maxPerTopicPerRequest = MAX_MESSAGES_PER_TOPIC_PER_REQUEST,
    private readonly maxBytesPerTopicPerRequest = MAX_BYTES_PER_TOPIC_PER_REQUEST,
    /** Topics drained into requests of their own, after all others (StoreBuilder.withLoggingLast). */
    private readonly lastTopics: ReadonlySet<string> = new Set(),
  ) {}

  send(record: OutgoingRecord): void {
    let messages = this.byTopic.get(record.topic);
    if (messages === undefined) {
      messages = [];
      this.byTopic.set(record.topic, messages);
    }
    const message: Message = {
      key: record.key,
      value: record.value,
      timestamp: String(record.timestamp),
      headers: record.headers,
    };
    if (record.partition !== undefined) message.partition = record.partition;
    messages.push(message);
    this.count++;
    if (this.count > this.highWater) this.highWater = this.count;
    if (this.count === this.maxRecords) this.onFull();
  }

  get size(): number {
    return this.count;
  }

  /** True once the buffer holds `maxRecords`: the owner should send it before processing more. */
  get full(): boolean {
    return this.count >= this.maxRecords;
  }

  /** Largest size the buffer reached (for tests and diagnostics). */
  get highWaterMark(): number {
    return this.highWater;
  }

  /**
   * Empties the buffer into produce requests in kafkajs' batch shape. Each
   * request holds at most `maxPerTopicPerRequest` messages and about
   * `maxBytesPerTopicPerRequest` bytes per topic (a single larger message
   * goes alone); send the requests in order, one after the other, to keep
   * each topic's order.
   */
  drain(): TopicMessages[][] {
    const requests: TopicMessages[][] = [];
    const first = [...this.byTopic].filter(([topic]) => !this.lastTopics.has(topic));
    const last = [...this.byTopic].filter(([topic]) => this.lastTopics.has(topic));
    this.chunk(first, requests, 0);
    this.chunk(last, requests, requests.length);
    this.byTopic = new Map();
    this.count = 0;
    return requests;
  }

  /** Splits each topic's messages into requests from index `from` on, within the caps. */
  private chunk(topics: Array<[string, Message[]]>, requests: TopicMessages[][], from: number): void {
    for (const [topic, messages] of topics) {
      let r = from;
      let start = 0;
      let bytes = 0;
      for (let i = 0; i < messages.length; i++) {
        const size = messageBytes(messages[i] as Message);
        const count = i - start;
        if (
          count > 0 &&
          (count === this.maxPerTopicPerRequest || bytes + size > this.maxBytesPerTopicPerRequest)
        ) {
          (requests[r++] ??= []).push({ topic, messages: messages.slice(start, i) });
          start = i;
          bytes = 0;
        }
        bytes += size;
      }
      const rest = start === 0 ? messages : messages.slice(start);
      if (rest.length > 0) (requests[r] ??= []).push({ topic, messages: rest });
    }
  }

  /** Drops buffered records (a task closed dirty: its uncommitted output must not be sent). */
  clear(): void {
    this.byTopic = new Map();
    this.count = 0;
  }
}

/** A message's uncompressed key, value and header bytes, plus a little for its framing. */
function messageBytes(message: Message): number {
  let bytes = 64 + byteLength(message.key) + byteLength(message.value);
  for (const name in message.headers ?? {}) {
    const value = (message.headers as Record<string, unknown>)[name];
    bytes +=
      name.length +
      (Array.isArray(value) ? value.reduce((n: number, v) => n + byteLength(v), 0) : byteLength(value));
  }
  return bytes;
}

function byteLength(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (Buffer.isBuffer(value)) return value.length;
  return Buffer.byteLength(String(value));
}
