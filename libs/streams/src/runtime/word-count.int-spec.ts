/**
 * The runtime on the real broker: a word count gives exact results, and a
 * restart restores the store from its changelog and carries on exactly.
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

function wordCount(input: string, output: string) {
  const builder = new StreamsBuilder();
  builder
    .stream(input, Consumed.with(S, S))
    .flatMapValues((line) => line.split(' '))
    .groupBy((_, word) => word, Grouped.with(S, S).withName('words'))
    .count(Materialized.as('counts'))
    .toStream()
    .to(output, Produced.with(S, Serdes.Long()));
  return builder.build();
}

async function readLatest(
  ctx: KafkaTestContext,
  topic: string,
  expectedKeys: number,
): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  const consumer = await ctx.consumer({ readUncommitted: false });
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      latest.set(message.key!.toString(), Serdes.Long().deserialize(message.value!, topic));
    },
  });
  await waitFor(
    `${expectedKeys} keys in ${topic}`,
    () => (latest.size >= expectedKeys ? true : undefined),
    30_000,
  );
  await new Promise((r) => setTimeout(r, 500));
  await consumer.stop();
  return latest;
}

describe('KafkaStreams word count on the real broker', () => {
  const ctx = new KafkaTestContext('streams-wc');
  const appId = uniqueName('wc-app');
  let input: string;
  let output: string;

  beforeAll(async () => {
    input = await ctx.createTopic('wc-in', { partitions: 2 });
    output = await ctx.createTopic('wc-out', { partitions: 2 });
  });

  afterAll(async () => {
    const topics = (await ctx.admin.listTopics()).filter((t) => t.startsWith(appId));
    await ctx.admin.deleteTopics({ topics }).catch(() => undefined);
    await ctx.close();
  });

  const start = async () => {
    const streams = new KafkaStreams(wordCount(input, output), {
      'application.id': appId,
      'bootstrap.servers': stackEndpoints().brokers,
      'commit.interval.ms': 100,
      'session.timeout.ms': 6000,
    });
    await streams.start();
    await waitFor('RUNNING', () => (streams.state === StreamsState.RUNNING ? true : undefined), 30_000);
    return streams;
  };

  it('counts words exactly, then restores the counts from the changelog after a restart', async () => {
    const producer = await ctx.producer();
    const lines = Array.from({ length: 50 }, (_, i) => `alpha beta w${i % 5}`);
    await producer.send({ topic: input, messages: lines.map((value, i) => ({ key: `k${i}`, value })) });

    const first = await start();
    const counts = first.keyValueStore<string, number>('counts');
    await waitFor('alpha=50', () => (counts.get('alpha') === 50 ? true : undefined), 30_000);
    expect(counts.get('beta')).toBe(50);
    expect(counts.get('w3')).toBe(10);
    expect(first.metrics()['streams.records.processed']).toBeGreaterThanOrEqual(50 + 150);
    await first.close();
    expect(first.state).toBe(StreamsState.NOT_RUNNING);

    const out = await readLatest(ctx, output, 7);
    expect(Object.fromEntries(out)).toEqual({ alpha: 50, beta: 50, w0: 10, w1: 10, w2: 10, w3: 10, w4: 10 });

    // Restart: the new instance restores before it processes, then continues exactly.
    const second = await start();
    const restored = second.keyValueStore<string, number>('counts');
    expect(restored.get('alpha')).toBe(50);
    expect(second.metrics()['streams.restore.records']).toBeGreaterThan(0);
    await producer.send({ topic: input, messages: [{ key: 'x', value: 'alpha gamma' }] });
    await waitFor('alpha=51', () => (restored.get('alpha') === 51 ? true : undefined), 30_000);
    expect(restored.get('gamma')).toBe(1);
    expect(restored.get('beta')).toBe(50);
    await second.close();
  }, 120_000);
});
