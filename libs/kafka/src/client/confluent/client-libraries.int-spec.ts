/**
 * The same contract, run against the real broker with each client library
 * behind `createKafkaClient`: kafkajs (the default) and Confluent's client.
 *
 * Confluent's client is built by tools/kafka/install-confluent-client.sh,
 * which `.ci/run` runs, so in CI a missing build fails here. On a workstation
 * without the build, its half is skipped with a note.
 */
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import { ClientStateProbe } from '../../health/client-state-probe';
import { kafkaConfigFromEnv, type KafkaClientLibrary } from '../kafka-client-config';
import {
  ACKS_ALL,
  createConsumer,
  createIdempotentProducer,
  createKafkaClient,
} from '../kafka-client-factory';
import { KafkaFeatureUnsupportedError } from './confluent-kafka';
import { loadConfluentKafkaJs } from './confluent-loader';

function confluentAvailable(): boolean {
  try {
    loadConfluentKafkaJs();
    return true;
  } catch (err) {
    if (process.env['CI'] === 'true') throw err;
    console.warn(`skipping the confluent half: ${(err as Error).message}`);
    return false;
  }
}

const libraries: KafkaClientLibrary[] = confluentAvailable() ? ['kafkajs', 'confluent'] : ['kafkajs'];
const RECORDS = 300;

/** Client logs, kept for a failing test's message instead of the console. */
const logs: string[] = [];
const sink = {
  error: (_f: Record<string, unknown>, m: string) => logs.push(`error ${m}`),
  warn: (_f: Record<string, unknown>, m: string) => logs.push(`warn ${m}`),
  info: () => undefined,
  debug: () => undefined,
};

function clientFor(library: KafkaClientLibrary): Kafka {
  const config = kafkaConfigFromEnv(
    { KAFKA_BROKERS: stackEndpoints().brokers.join(','), KAFKA_CLIENT_LIBRARY: library },
    uniqueName(`libs-${library}`),
  );
  return createKafkaClient(config, { logger: sink });
}

interface Seen {
  key: string;
  value: string;
  partition: number;
  offset: string;
  trace: string | undefined;
}

async function consumeAll(kafka: Kafka, topic: string, groupId: string, count: number): Promise<Seen[]> {
  const consumer = createConsumer(kafka, groupId, { maxWaitTimeInMs: 100 });
  const seen: Seen[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset }: EachBatchPayload) => {
        for (const m of batch.messages) {
          seen.push({
            key: m.key?.toString() ?? '',
            value: m.value?.toString() ?? '',
            partition: batch.partition,
            offset: m.offset,
            trace: m.headers?.['traceparent']?.toString(),
          });
          resolveOffset(m.offset);
        }
        const last = batch.messages.at(-1);
        if (last) {
          await consumer.commitOffsets([
            { topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
          ]);
        }
      },
    });
    await waitFor(`${count} records`, () => (seen.length >= count ? true : undefined), 30_000);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe.each(libraries)('client library %s against the real broker', (library) => {
  const context = new KafkaTestContext(`libs-${library}`);
  const kafka = clientFor(library);

  afterAll(() => context.close());

  it('sends idempotently with headers, and a group reads every record once, keyed as sent', async () => {
    const topic = await context.createTopic(`libs-${library}`, { partitions: 3 });
    const producer = createIdempotentProducer(kafka);
    const probe = ClientStateProbe.forProducer(producer);
    await producer.connect();
    expect(probe.current().state).toBe('connected');
    const trace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await producer.send({
      topic,
      acks: ACKS_ALL,
      messages: Array.from({ length: RECORDS }, (_, i) => ({
        key: `sku-${i % 17}`,
        value: `v${i}`,
        headers: { traceparent: trace },
      })),
    });
    await producer.disconnect();
    expect(probe.current().state).toBe('disconnected');

    const seen = await consumeAll(kafka, topic, uniqueName('libs-group'), RECORDS);
    expect(seen).toHaveLength(RECORDS);
    expect(new Set(seen.map((s) => s.value)).size).toBe(RECORDS);
    expect(seen.every((s) => s.trace === trace)).toBe(true);
    // One key, one partition, and per key the order in which it was sent.
    const byKey = new Map<string, Seen[]>();
    for (const s of seen) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
    for (const records of byKey.values()) {
      expect(new Set(records.map((r) => r.partition)).size).toBe(1);
      const sent = records.map((r) => Number(r.value.slice(1)));
      expect(sent).toEqual([...sent].sort((a, b) => a - b));
    }
  });

  it('resumes a group from its committed offsets', async () => {
    const topic = await context.createTopic(`libs-resume-${library}`, { partitions: 1 });
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const send = (from: number, n: number) =>
      producer.send({
        topic,
        acks: ACKS_ALL,
        messages: Array.from({ length: n }, (_, i) => ({ key: 'k', value: `v${from + i}` })),
      });
    const group = uniqueName('libs-resume');
    await send(0, 50);
    expect((await consumeAll(kafka, topic, group, 50)).map((s) => s.value)).toContain('v49');
    await send(50, 20);
    const second = await consumeAll(kafka, topic, group, 20);
    await producer.disconnect();
    expect(second.map((s) => s.value)).toEqual(Array.from({ length: 20 }, (_, i) => `v${50 + i}`));
  });
});

describe('the confluent facade beside kafkajs', () => {
  const confluent = libraries.includes('confluent') ? it : it.skip;
  const context = new KafkaTestContext('libs-both');

  afterAll(() => context.close());

  confluent(
    'puts each key on the partition kafkajs puts it on (murmur2), so either may produce a topic',
    async () => {
      const topic = await context.createTopic('libs-both', { partitions: 6 });
      for (const library of libraries) {
        const producer = createIdempotentProducer(clientFor(library));
        await producer.connect();
        await producer.send({
          topic,
          acks: ACKS_ALL,
          messages: Array.from({ length: 60 }, (_, i) => ({ key: `store-${i}`, value: library })),
        });
        await producer.disconnect();
      }
      const seen = await consumeAll(clientFor('kafkajs'), topic, uniqueName('libs-both'), 120);
      const partitionsOf = (key: string) =>
        new Set(seen.filter((s) => s.key === key).map((s) => s.partition));
      for (let i = 0; i < 60; i++) expect(partitionsOf(`store-${i}`).size).toBe(1);
      expect(new Set(seen.map((s) => s.partition)).size).toBeGreaterThan(3);
    },
  );

  confluent('names the feature instead of behaving differently', async () => {
    const kafka = clientFor('confluent');
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    try {
      // acks=1 on a producer built for acks=all would be a silently weaker send.
      await expect(producer.send({ topic: 'any', acks: 1, messages: [{ value: 'x' }] })).rejects.toThrow(
        KafkaFeatureUnsupportedError,
      );
    } finally {
      await producer.disconnect();
    }
    const consumer = createConsumer(kafka, uniqueName('refuse'));
    expect(() => consumer.on(consumer.events.CRASH, () => undefined)).toThrow(
      /the consumer event consumer.crash is not supported/,
    );
    expect(() => kafka.consumer({ groupId: 'g', partitionAssigners: [] })).toThrow(
      /custom partitionAssigners is not supported with KAFKA_CLIENT_LIBRARY=confluent/,
    );
  });
});

describe('the kafkajs default', () => {
  it('keeps kafkajs when KAFKA_CLIENT_LIBRARY is unset, and its consumer events work', () => {
    const kafka = createKafkaClient(
      kafkaConfigFromEnv({ KAFKA_BROKERS: stackEndpoints().brokers.join(',') }, 'default'),
    );
    const consumer = kafka.consumer({ groupId: uniqueName('default') });
    expect(() => ClientStateProbe.forConsumer(consumer)).not.toThrow();
    expect(consumer.events.CRASH).toBe('consumer.crash');
  });
});
