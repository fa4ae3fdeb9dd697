import { RecordHeaders } from '../api';

/** A serialized record on its way to a topic (sink output, repartition or changelog write). */
export interface OutgoingRecord {
  readonly topic: string;
  /** Explicit partition (changelogs); otherwise the key decides, with Kafka's murmur2 partitioner. */
  readonly partition?: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/**
 * Where a task's output goes. The runtime buffers records for its producer
 * (or the open transaction); the TopologyTestDriver appends them to its
 * in-memory topics. Sends are synchronous so processing stays synchronous;
 * delivery is confirmed at commit.
 */
export interface RecordCollector {
  send(record: OutgoingRecord): void;
}
