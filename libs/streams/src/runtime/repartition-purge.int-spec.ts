/**
 * Repartition topics have infinite retention; the runtime deletes records
 * below the committed offset after commits (KIP-204), on the real broker:
 * the repartition partitions' log start offsets (low watermarks) advance.
 */
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import {
  Consumed,
  Grouped,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  StreamsState,
} from '../index';

const S = Serdes.String();
const RECORDS = 3000;

describe('KafkaStreams purges consumed repartition records on the real broker', () => {
  const ctx = new KafkaTestContext('streams-purge');
  const appId = uniqueName('purge-app');

  afterAll(async () => {
    const topics = (await ctx.admin.listTopics()).filter((t) => t.startsWith(appId));
    await ctx.admin.deleteTopics({ topics }).catch(() => undefined);
    await ctx.close();
  });

  it.each(['at_least_once', 'exactly_once_v2'] as const)(
    '%s: the repartition low watermark advances to what was consumed',
    async (guarantee) => {
      const input = await ctx.createTopic('purge-in', { partitions: 2 });
      const output = await ctx.createTopic('purge-out', { partitions: 2 });
      const app = `${appId}-${guarantee === 'at_least_once' ? 'alos' : 'eos'}`;
      const topic = `${app}-by-key-repartition`;
      const builder = new StreamsBuilder();
      builder
        .stream(input, Consumed.with(S, S))
        .groupBy((key) => key, Grouped.with(S, S).withName('by-key'))
        .aggregate(
          () => 0,
          (_k, v, sum) => sum + Number(v),
          Materialized.as<string, number>('sums').withValueSerde(Serdes.Long()),
        )
        .toStream()
        .to(output, Produced.with(S, Serdes.Long()));
      const streams = new KafkaStreams(builder.build(), {
        'application.id': app,
        'bootstrap.servers': stackEndpoints().brokers,
        'processing.guarantee': guarantee,
        'commit.interval.ms': 100,
        'repartition.purge.interval.ms': 200,
        'session.timeout.ms': 6000,
      });
      const producer = await ctx.producer();
      await producer.send({
        topic: input,
        messages: Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i % 50}`, value: '1' })),
      });
      await streams.start();
      try {
        await waitFor('RUNNING', () => (streams.state === StreamsState.RUNNING ? true : undefined), 30_000);
        const sums = streams.keyValueStore<string, number>('sums');
        await waitFor(
          'every record aggregated',
          () => (streams.metrics()['streams.records.processed'] >= 2 * RECORDS ? true : undefined),
          30_000,
        );
        expect(sums.get('k0')).toBe(RECORDS / 50);

        const admin = await ctx.connectedAdmin();
        // Every repartition record was consumed and committed, so the log start of each
        // partition reaches the group's committed offset (under exactly-once the last
        // transaction marker sits at that offset, so it is one below the high watermark).
        const purged = await waitFor(
          `${topic} purged up to the committed offsets`,
          async () => {
            const [committed] = await admin.fetchOffsets({ groupId: app, topics: [topic] });
            const logs = await admin.fetchTopicOffsets(topic);
            const done = logs.every((log) => {
              const offset = committed?.partitions.find((p) => p.partition === log.partition)?.offset;
              return Number(offset) > 0 && log.low === offset;
            });
            // A purge can match a commit that does not yet cover every record
            // (processed is not committed), so also wait for the whole input.
            const low = logs.reduce((n, p) => n + Number(p.low), 0);
            return done && low >= RECORDS ? logs : undefined;
          },
          20_000,
        );
        const deleted = purged.reduce((n, p) => n + Number(p.low), 0);
        expect(deleted).toBeGreaterThanOrEqual(RECORDS);
      } finally {
        await streams.close();
      }
    },
    90_000,
  );
});
