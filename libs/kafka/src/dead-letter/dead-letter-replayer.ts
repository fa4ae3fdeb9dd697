/**
 * Re-publishes dead letters to the topic they came from, after the cause was
 * fixed: key, value and original headers as they were, without the `eda.*`
 * failure headers. Reads a snapshot (up to the high watermarks at start) with
 * a throw-away consumer group, and never commits, so a replay can be repeated.
 */
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { ACKS_ALL } from '../client/kafka-client-factory';
import { readFailureHeaders, withoutFailureHeaders, type FailureInfo } from './dead-letter-headers';

/** Which dead letters to replay. Every given criterion must match. */
export interface DeadLetterFilter {
  /** Original topic. */
  readonly originalTopic?: string;
  /** Error class, e.g. `UnknownSchemaIdError`. */
  readonly errorClass?: string;
  /** Record key, as UTF-8. */
  readonly key?: string;
  /** Only records whose dead-letter offset is at least this. */
  readonly fromOffset?: number;
  /** Stop after this many matches. */
  readonly limit?: number;
}

/** Options of {@link replayDeadLetters}. */
export interface ReplayOptions {
  readonly kafka: Kafka;
  /** Sends the replayed records; connected by the caller. */
  readonly producer: Producer;
  readonly deadLetterTopic: string;
  /** The throw-away group the snapshot is read with. */
  readonly groupId: string;
  readonly filter?: DeadLetterFilter;
  /** List what would be replayed, send nothing. */
  readonly dryRun?: boolean;
  /** Gives up reading after this long. Default 60 s. */
  readonly timeoutMs?: number;
}

/** One dead letter the replay looked at. */
export interface ReplayedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly failure: FailureInfo;
  /** True when it was (or, in a dry run, would be) re-published. */
  readonly replayed: boolean;
}

/** Replays the dead letters of one DLQ that match `filter`; returns every record read. */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayedRecord[]> {
  const { kafka, deadLetterTopic, filter = {} } = options;
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(deadLetterTopic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  const seen: ReplayedRecord[] = [];
  if (ends.size === 0) return seen;

  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  let matched = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${seen.length} dead letters of ${deadLetterTopic} before the timeout`)),
        options.timeoutMs ?? 60_000,
      );
      const reached = (partition: number, lastOffset: string) => {
        const end = ends.get(partition);
        if (end !== undefined && BigInt(lastOffset) + 1n >= end) ends.delete(partition);
        if (ends.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      // A DLQ written inside transactions (the aggregator's, under exactly-once) ends with
      // commit markers: offsets no message has. A batch's last offset counts them, and kafkajs
      // reports batches of markers alone too, so the snapshot's end is reached either way.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
        reached(payload.partition, payload.lastOffset),
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            const failure = readFailureHeaders(message.headers);
            const limitReached = filter.limit !== undefined && matched >= filter.limit;
            const replay = failure !== undefined && !limitReached && matches(message, failure, filter);
            if (replay) {
              matched += 1;
              if (!options.dryRun) await republish(options.producer, message, failure);
            }
            if (failure) {
              seen.push({
                partition,
                offset: message.offset,
                key: message.key?.toString() ?? null,
                failure,
                replayed: replay,
              });
            }
            reached(partition, message.offset);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

function matches(message: KafkaMessage, failure: FailureInfo, filter: DeadLetterFilter): boolean {
  return (
    (filter.originalTopic === undefined || failure.topic === filter.originalTopic) &&
    (filter.errorClass === undefined || failure.errorClass === filter.errorClass) &&
    (filter.key === undefined || message.key?.toString() === filter.key) &&
    (filter.fromOffset === undefined || Number(message.offset) >= filter.fromOffset)
  );
}

async function republish(producer: Producer, message: KafkaMessage, failure: FailureInfo): Promise<void> {
  await producer.send({
    topic: failure.topic,
    acks: ACKS_ALL,
    messages: [{ key: message.key, value: message.value, headers: withoutFailureHeaders(message.headers) }],
  });
}
