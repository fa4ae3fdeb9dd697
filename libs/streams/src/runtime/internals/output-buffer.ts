import { Message, TopicMessages } from 'kafkajs';
import { OutgoingRecord, RecordCollector } from '../../processor/internals/record-collector';

/**
 * Most messages of one topic in one produce request (one `sendBatch` call).
 *
 * kafkajs 2.2.4 splits a request's messages by partition in
 * `producer/groupMessagesPerPartition.js` with `[...current, message]` for
 * every message: a request carrying m messages of one topic costs O(m^2)
 * copies before a byte is sent. A buffer drained as one request made the
 * engine quadratic in the size of a fetched batch (60k records: ~10 s of
 * copying per run). Capping m makes that cost O(m * cap) overall; at 1000 the
 * grouping costs about as much as encoding, and the extra round trips are few.
 */
export const MAX_MESSAGES_PER_TOPIC_PER_REQUEST = 1000;

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
   * request holds at most `maxPerTopicPerRequest` messages per topic; send
   * the requests in order, one after the other, to keep each topic's order.
   */
  drain(): TopicMessages[][] {
    const requests: TopicMessages[][] = [];
    const cap = this.maxPerTopicPerRequest;
    for (const [topic, messages] of this.byTopic) {
      for (let i = 0, r = 0; i < messages.length; i += cap, r++) {
        const chunk = messages.length <= cap ? messages : messages.slice(i, i + cap);
        (requests[r] ??= []).push({ topic, messages: chunk });
      }
    }
    this.byTopic = new Map();
    this.count = 0;
    return requests;
  }

  /** Drops buffered records (a task closed dirty: its uncommitted output must not be sent). */
  clear(): void {
    this.byTopic = new Map();
    this.count = 0;
  }
}
