import { Message, TopicMessages } from 'kafkajs';
import { OutgoingRecord, RecordCollector } from '../../processor/internals/record-collector';

/**
 * Collects a task's (or, under at-least-once, every task's) output between
 * commits. Processing stays synchronous; the buffer is drained into one
 * `sendBatch` (or the task's transaction) at commit, or earlier when it grows
 * past `maxRecords` so memory stays bounded.
 */
export class OutputBuffer implements RecordCollector {
  private records: OutgoingRecord[] = [];

  constructor(
    private readonly maxRecords: number,
    private readonly onFull: () => void,
  ) {}

  send(record: OutgoingRecord): void {
    this.records.push(record);
    if (this.records.length === this.maxRecords) this.onFull();
  }

  get size(): number {
    return this.records.length;
  }

  /** Empties the buffer into kafkajs' batch shape, one entry per topic, order kept per topic. */
  drain(): TopicMessages[] {
    const byTopic = new Map<string, Message[]>();
    for (const r of this.records) {
      const messages = byTopic.get(r.topic) ?? [];
      messages.push({
        key: r.key,
        value: r.value,
        timestamp: String(r.timestamp),
        headers: r.headers,
        ...(r.partition === undefined ? {} : { partition: r.partition }),
      });
      byTopic.set(r.topic, messages);
    }
    this.records = [];
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  /** Drops buffered records (a task closed dirty: its uncommitted output must not be sent). */
  clear(): void {
    this.records = [];
  }
}
