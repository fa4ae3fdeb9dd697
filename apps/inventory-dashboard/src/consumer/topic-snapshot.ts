/**
 * Reads a topic from the beginning up to its high watermarks at the time of
 * the call, then stops: a snapshot, for state that must be loaded before
 * consuming starts (the alerts already published). Uses a throw-away group
 * and commits nothing.
 */
import type { Kafka, KafkaMessage } from 'kafkajs';

/** Options of {@link readTopicSnapshot}. */
export interface TopicSnapshotOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupId: string;
  /** Gives up after this long. Default 60 s. */
  readonly timeoutMs?: number;
}

/** Calls `onRecord` for every record up to the high watermarks, in offset order per partition. */
export async function readTopicSnapshot(
  options: TopicSnapshotOptions,
  onRecord: (message: KafkaMessage, partition: number) => void,
): Promise<number> {
  const { kafka, topic } = options;
  const admin = kafka.admin();
  const ends = new Map<number, bigint>();
  await admin.connect();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return 0;
  let count = 0;
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`read ${count} records of ${topic} before the timeout; is the topic readable?`)),
        options.timeoutMs ?? 60_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            count += 1;
            onRecord(message, partition);
            if (BigInt(message.offset) + 1n >= end) ends.delete(partition);
            if (ends.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return count;
}
