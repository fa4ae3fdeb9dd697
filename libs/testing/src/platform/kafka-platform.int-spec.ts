/**
 * Proves the native stack is a Kafka that this codebase can rely on: consumer
 * groups, transactions with read_committed isolation, and compacted topics,
 * all through kafkajs against the real broker.
 */
import { ConfigResourceTypes, EachMessagePayload } from 'kafkajs';
import { KafkaTestContext, uniqueName, waitFor } from '../index';

describe('Kafka on the native stack', () => {
  const ctx = new KafkaTestContext('platform');

  afterAll(() => ctx.close());

  it('delivers produced records to a consumer group, in order per key', async () => {
    const topic = await ctx.createTopic('produce-consume', { partitions: 3 });
    const producer = await ctx.producer({ idempotent: true });
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `store-${i % 3}`, value: `event-${i}` }));
    await producer.send({ topic, acks: -1, messages: sent });

    const received: Array<{ key: string; value: string; partition: number }> = [];
    const consumer = await ctx.consumer();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }: EachMessagePayload) => {
        received.push({ key: message.key!.toString(), value: message.value!.toString(), partition });
      },
    });
    await waitFor('30 records', () => (received.length >= 30 ? true : undefined));

    expect(received.map((r) => r.value).sort()).toEqual(sent.map((s) => s.value).sort());
    for (const key of ['store-0', 'store-1', 'store-2']) {
      const forKey = received.filter((r) => r.key === key);
      expect(new Set(forKey.map((r) => r.partition)).size).toBe(1);
      expect(forKey.map((r) => r.value)).toEqual(sent.filter((s) => s.key === key).map((s) => s.value));
    }
  });

  it('hides an aborted transaction from a read_committed consumer', async () => {
    const topic = await ctx.createTopic('transactions');
    const producer = await ctx.producer({
      transactionalId: uniqueName('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });

    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
    await aborted.abort();

    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'committed-1' }] });
    await committed.commit();

    const readCommitted: string[] = [];
    const consumer = await ctx.consumer({ readUncommitted: false });
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        readCommitted.push(message.value!.toString());
      },
    });
    await waitFor('the committed record', () => (readCommitted.includes('committed-1') ? true : undefined));

    const uncommitted: string[] = [];
    const dirtyReader = await ctx.consumer({ readUncommitted: true });
    await dirtyReader.subscribe({ topic, fromBeginning: true });
    await dirtyReader.run({
      eachMessage: async ({ message }) => {
        uncommitted.push(message.value!.toString());
      },
    });
    await waitFor('all three records', () => (uncommitted.length >= 3 ? true : undefined));

    expect(readCommitted).toEqual(['committed-1']);
    // The aborted records are in the log; only the isolation level hides them.
    expect(uncommitted.sort()).toEqual(['aborted-1', 'aborted-2', 'committed-1']);
  });

  it('creates a compacted topic and describes its configuration', async () => {
    const topic = await ctx.createTopic('compacted', {
      partitions: 2,
      config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' },
    });

    const metadata = await ctx.admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(2);

    const described = await ctx.admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configNames: ['cleanup.policy', 'min.compaction.lag.ms'],
        },
      ],
    });
    const entries = Object.fromEntries(
      described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
    );
    expect(entries).toEqual({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' });
  });
});
