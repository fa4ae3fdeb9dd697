import { Admin, Consumer, ConsumerConfig, Kafka, logLevel, Producer, ProducerConfig } from 'kafkajs';
import { stackEndpoints } from './stack-endpoints';
import { uniqueName } from './unique-names';
import { waitFor } from './wait-for';

/** Options for {@link KafkaTestContext.createTopic}. */
export interface TestTopicOptions {
  partitions?: number;
  /** Topic-level configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  config?: Record<string, string>;
}

/**
 * Owns the Kafka clients and topics of one test file, and removes them in
 * {@link KafkaTestContext.close}. Create one in `beforeAll`, close it in `afterAll`.
 */
export class KafkaTestContext {
  readonly kafka: Kafka;
  readonly admin: Admin;
  private readonly topics = new Set<string>();
  private readonly clients: Array<Producer | Consumer> = [];

  constructor(clientIdPrefix = 'eda-test') {
    // kafkajs 2 warns once per process about its new default partitioner; the
    // tests do not depend on the legacy one.
    process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
    const { brokers } = stackEndpoints();
    this.kafka = new Kafka({
      clientId: uniqueName(clientIdPrefix),
      brokers,
      logLevel: logLevel.WARN,
    });
    this.admin = this.kafka.admin();
  }

  /**
   * Creates a uniquely named topic and waits until every partition has a
   * leader. The wait is ours, not kafkajs' `waitForLeaders`: on a broker that
   * started a moment ago (the fault suite's, after a restart) its metadata
   * request can answer UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does not retry.
   */
  async createTopic(prefix: string, options: TestTopicOptions = {}): Promise<string> {
    await this.admin.connect();
    const topic = uniqueName(prefix);
    const partitions = options.partitions ?? 1;
    const configEntries = Object.entries(options.config ?? {}).map(([name, value]) => ({ name, value }));
    await this.admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries }],
    });
    this.topics.add(topic);
    await waitFor(
      `leaders for every partition of ${topic}`,
      async () => {
        const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
        const leaders = topics[0]?.partitions.filter((p) => p.leader >= 0).length ?? 0;
        return leaders === partitions ? true : undefined;
      },
      30_000,
      100,
    );
    // The controller names a leader before that broker serves the partition: until then a produce
    // answers NOT_LEADER, and kafkajs retries the whole request, so a plain producer writes the
    // partitions that succeeded twice (seen on a cold broker: a count test got 20 where 10 were
    // sent). ListOffsets is answered by the leader's replica, as a produce is: wait for it too.
    await waitFor(
      `every partition of ${topic} served by its leader`,
      async () => ((await this.admin.fetchTopicOffsets(topic)).length === partitions ? true : undefined),
      30_000,
      100,
    );
    return topic;
  }

  /** A producer that is disconnected on close. */
  async producer(config: ProducerConfig = {}): Promise<Producer> {
    const producer = this.kafka.producer(config);
    await producer.connect();
    this.clients.push(producer);
    return producer;
  }

  /** A consumer in a fresh, unique group unless one is given; disconnected on close. */
  async consumer(config: Partial<ConsumerConfig> = {}): Promise<Consumer> {
    const consumer = this.kafka.consumer({ groupId: uniqueName('group'), ...config });
    await consumer.connect();
    this.clients.push(consumer);
    return consumer;
  }

  /** Disconnects every client and deletes every topic this context created. */
  async close(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.disconnect()));
    if (this.topics.size > 0) {
      await this.admin.connect();
      await this.admin.deleteTopics({ topics: [...this.topics] }).catch(() => undefined);
    }
    // Always: a test may have connected the admin itself, and a connected
    // client keeps Jest from exiting. Disconnecting an idle admin is a no-op.
    await this.admin.disconnect();
  }

  /** The shared admin client, connected (kafkajs makes repeated connects cheap). */
  async connectedAdmin(): Promise<Admin> {
    await this.admin.connect();
    return this.admin;
  }

  /**
   * Each partition's end offset, asked again until every leader answers: right
   * after a broker restart ListOffsets gets NOT_LEADER for a while, and a
   * fault test reading its results then must wait, not fail.
   */
  async topicEnds(topic: string, timeoutMs = 60_000): Promise<Map<number, number>> {
    const admin = await this.connectedAdmin();
    return waitFor(
      `the end offsets of ${topic}`,
      async () => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])),
      timeoutMs,
      200,
    );
  }
}
