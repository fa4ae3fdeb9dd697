/**
 * Reads chosen topic partitions from a given offset, with no consumer group:
 * the restore consumer of Kafka Streams, which uses `assign()`.
 *
 * kafkajs has no public `assign()`: its consumer always joins a group. So
 * this file, and only this file, uses two kafkajs internals, pinned by the
 * exact kafkajs version (2.2.4, whose line is no longer developed):
 * - the Kafka client's private cluster factory, which builds a cluster with
 *   the app's own connection settings (SSL, SASL), and
 * - `Batch`, which drops aborted transactional records and control records
 *   exactly as the kafkajs consumer does.
 * Fetches run at READ_COMMITTED, and end offsets are last stable offsets, so
 * a restore under exactly-once never replays aborted changelog writes.
 */
import type { Kafka } from 'kafkajs';
const Batch = require('kafkajs/src/consumer/batch') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: unknown,
) => FetchedBatch;

interface FetchedBatch {
  readonly messages: Array<{ key: Buffer | null; value: Buffer | null; offset: string }>;
  isEmptyIncludingFiltered(): boolean;
  lastOffset(): string;
}

interface InternalBroker {
  fetch(request: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: Array<{
      topic: string;
      partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }>;
    }>;
  }): Promise<{
    responses: Array<{ topicName: string; partitions: Array<{ partition: number; errorCode: number }> }>;
  }>;
}

interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number; leader: number }>;
  findBroker(args: { nodeId: number }): Promise<InternalBroker>;
  fetchTopicsOffset(
    topics: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning: boolean }>,
  ): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
}

type ClusterFactory = (options: {
  metadataMaxAge: number;
  allowAutoTopicCreation: boolean;
  maxInFlightRequests: null;
  instrumentationEmitter: null;
  isolationLevel: number;
}) => InternalCluster;

const READ_COMMITTED = 1;
const FETCH_MAX_BYTES = 4 * 1024 * 1024;

/** One changelog record as restored. */
export interface ChangelogRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: number;
}

/** Reads partitions directly from their leaders. */
export class PartitionReader {
  private readonly cluster: InternalCluster;
  /**
   * Fetches run one at a time. kafkajs opens a broker's fetch connection lazily,
   * and its `Connection.connect` has no guard against concurrent callers: two
   * tasks restoring at once each opened a socket, and the first one was
   * orphaned (never closed by `disconnect`), which kept the process alive after
   * `close()`. Serial fetches cost nothing on the wire: a broker answers one
   * connection's requests in order anyway.
   */
  private fetchLane: Promise<unknown> = Promise.resolve();

  constructor(kafka: Kafka) {
    const symbol = Object.getOwnPropertySymbols(kafka).find(
      (s) => s.description === 'private:Kafka:createCluster',
    );
    if (!symbol) throw new Error('kafkajs internals changed: pin kafkajs 2.2.4 or update PartitionReader.');
    const factory = (kafka as unknown as Record<symbol, ClusterFactory>)[symbol] as ClusterFactory;
    this.cluster = factory({
      metadataMaxAge: 300_000,
      allowAutoTopicCreation: false,
      maxInFlightRequests: null,
      instrumentationEmitter: null,
      isolationLevel: READ_COMMITTED,
    });
  }

  async connect(topics: string[]): Promise<void> {
    await this.cluster.connect();
    await this.cluster.addMultipleTargetTopics(topics);
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }

  /** Last stable offset of a partition (the offset after the last committed record). */
  async endOffset(topic: string, partition: number): Promise<number> {
    return this.listOffset(topic, partition, false);
  }

  /** Log start offset of a partition. */
  async startOffset(topic: string, partition: number): Promise<number> {
    return this.listOffset(topic, partition, true);
  }

  private async listOffset(topic: string, partition: number, fromBeginning: boolean): Promise<number> {
    // Metadata may predate the topic (internal topics created a moment ago): target it and refresh once.
    await this.cluster.addMultipleTargetTopics([topic]);
    const list = () =>
      this.cluster.fetchTopicsOffset([{ topic, partitions: [{ partition }], fromBeginning }]);
    const [result] = await list().catch(async () => {
      await this.cluster.refreshMetadata();
      return list();
    });
    return Number(result?.partitions.find((p) => p.partition === partition)?.offset ?? 0);
  }

  /**
   * Calls `onBatch` with every committed record of `[from, to)`, in order.
   * Returns the offset reached (>= `to`).
   */
  async read(
    topic: string,
    partition: number,
    from: number,
    to: number,
    onBatch: (records: ChangelogRecord[]) => void,
  ): Promise<number> {
    let offset = from;
    while (offset < to) {
      const leader = this.cluster
        .findTopicPartitionMetadata(topic)
        .find((p) => p.partitionId === partition)?.leader;
      if (leader === undefined) {
        await this.cluster.refreshMetadata();
        continue;
      }
      const broker = await this.cluster.findBroker({ nodeId: leader });
      const response = await this.serialFetch(() =>
        broker.fetch({
          replicaId: -1,
          isolationLevel: READ_COMMITTED,
          maxWaitTime: 200,
          minBytes: 1,
          maxBytes: FETCH_MAX_BYTES,
          topics: [
            { topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: FETCH_MAX_BYTES }] },
          ],
        }),
      );
      const data = response.responses[0]?.partitions.find((p) => p.partition === partition);
      if (!data) continue;
      const batch = new Batch(topic, String(offset), data);
      if (batch.isEmptyIncludingFiltered()) break;
      const records = batch.messages
        .map((m) => ({ key: m.key, value: m.value, offset: Number(m.offset) }))
        .filter((m) => m.offset < to);
      onBatch(records);
      offset = Number(batch.lastOffset()) + 1;
    }
    return offset;
  }

  private serialFetch<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.fetchLane.then(fn);
    this.fetchLane = run.catch(() => undefined);
    return run;
  }
}
