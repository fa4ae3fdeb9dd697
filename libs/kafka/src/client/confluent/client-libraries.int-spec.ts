/**
 * The same contract, run against the real broker with each client library
 * behind `createKafkaClient`: kafkajs (the default), Confluent's client and
 * @platformatic/kafka (a pure-JS dependency, so never skipped).
 *
 * Confluent's client is built by tools/kafka/install-confluent-client.sh,
 * which `.ci/run` runs, so in CI a missing build fails here. On a workstation
 * without the build, its half is skipped with a note.
 */
import type { EachBatchPayload, IHeaders, Kafka } from 'kafkajs';
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import { ClientStateProbe } from '../../health/client-state-probe';
import { kafkaConfigFromEnv, type KafkaClientLibrary } from '../kafka-client-config';
import {
  ACKS_ALL,
  createConsumer,
  createIdempotentProducer,
  createKafkaClient,
} from '../kafka-client-factory';
import { KafkaFeatureUnsupportedError } from '../kafka-errors';
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

const libraries: KafkaClientLibrary[] = confluentAvailable()
  ? ['kafkajs', 'confluent', 'platformatic']
  : ['kafkajs', 'platformatic'];
/** The facades over other clients, each refusing what it cannot honour. */
const facades = libraries.filter((l): l is Exclude<KafkaClientLibrary, 'kafkajs'> => l !== 'kafkajs');
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

/** Records of the volume test: enough for a fetch to overrun the stream's buffer many times over. */
const VOLUME = 200_000;
const VOLUME_CHUNK = 10_000;
const VOLUME_TIMEOUT_MS = 20_000;

/**
 * Reads `topic` from the beginning in a fresh group until every partition's high watermark is
 * reached, counting how often each offset arrived; returns the counts by partition.
 */
async function countAll(
  kafka: Kafka,
  topic: string,
  highWatermarks: Map<number, number>,
  mode: 'eachBatch' | 'eachMessage',
): Promise<Map<number, Uint32Array>> {
  const counts = new Map([...highWatermarks].map(([p, high]) => [p, new Uint32Array(high)]));
  const expected = [...highWatermarks.values()].reduce((a, b) => a + b, 0);
  let total = 0;
  const count = (partition: number, offset: string) => {
    const perOffset = counts.get(partition);
    const at = Number(offset);
    if (!perOffset || at >= perOffset.length) throw new Error(`unexpected ${partition}@${offset}`);
    perOffset[at] = (perOffset[at] ?? 0) + 1;
    total++;
  };
  const consumer = createConsumer(kafka, uniqueName(`libs-volume-${mode}`), {
    maxWaitTimeInMs: 100,
    maxBytes: 10 * 1024 * 1024,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run(
      mode === 'eachBatch'
        ? {
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) count(batch.partition, m.offset);
            },
          }
        : { eachMessage: async ({ partition, message }) => count(partition, message.offset) },
    );
    await waitFor(
      `${expected} records through ${mode}`,
      () => (total >= expected ? true : undefined),
      VOLUME_TIMEOUT_MS,
    ).catch((error: Error) => {
      throw new Error(`${error.message} (${total} arrived)`);
    });
  } finally {
    await consumer.disconnect();
  }
  return counts;
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

  it(`reads ${VOLUME} records through eachBatch and eachMessage, each exactly once`, async () => {
    const topic = await context.createTopic(`libs-volume-${library}`, { partitions: 6 });
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    for (let from = 0; from < VOLUME; from += VOLUME_CHUNK) {
      await producer.sendBatch({
        acks: ACKS_ALL,
        topicMessages: [
          {
            topic,
            messages: Array.from({ length: VOLUME_CHUNK }, (_, i) => ({
              key: `sku-${(from + i) % 997}`,
              value: `v${from + i}`.padEnd(60, '.'),
            })),
          },
        ],
      });
    }
    await producer.disconnect();
    const offsets = await context.admin.fetchTopicOffsets(topic);
    const highWatermarks = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
    expect([...highWatermarks.values()].reduce((a, b) => a + b, 0)).toBe(VOLUME);
    expect([...highWatermarks.values()].filter((high) => high > 0)).toHaveLength(6);

    for (const mode of ['eachBatch', 'eachMessage'] as const) {
      const counts = await countAll(kafka, topic, highWatermarks, mode);
      for (const [partition, perOffset] of counts) {
        const notOnce = perOffset.findIndex((n) => n !== 1);
        expect({ mode, partition, notOnce }).toEqual({ mode, partition, notOnce: -1 });
      }
    }
  }, 90_000);

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

describe('the facades beside kafkajs', () => {
  const context = new KafkaTestContext('libs-both');

  afterAll(() => context.close());

  it('puts each key on the partition kafkajs puts it on (murmur2), so any of them may produce a topic', async () => {
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
    const seen = await consumeAll(
      clientFor('kafkajs'),
      topic,
      uniqueName('libs-both'),
      60 * libraries.length,
    );
    const partitionsOf = (key: string) => new Set(seen.filter((s) => s.key === key).map((s) => s.partition));
    for (let i = 0; i < 60; i++) expect(partitionsOf(`store-${i}`).size).toBe(1);
    expect(new Set(seen.map((s) => s.partition)).size).toBeGreaterThan(3);
    for (const library of libraries) expect(seen.filter((s) => s.value === library)).toHaveLength(60);
  });

  it.each(facades)('%s names the feature instead of behaving differently', async (library) => {
    const kafka = clientFor(library);
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
    const event = library === 'confluent' ? consumer.events.CRASH : consumer.events.HEARTBEAT;
    expect(() => consumer.on(event, () => undefined)).toThrow(
      new RegExp(`the consumer event ${event} is not supported with KAFKA_CLIENT_LIBRARY=${library}`),
    );
    expect(() => kafka.consumer({ groupId: 'g', partitionAssigners: [] })).toThrow(
      new RegExp(`custom partitionAssigners is not supported with KAFKA_CLIENT_LIBRARY=${library}`),
    );
  });
});

/** Header values as strings (repeated headers as arrays), for comparing what kafkajs and a facade read. */
function headerStrings(headers: IHeaders | undefined): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, v]) => [
      name,
      Array.isArray(v) ? v.map(String) : String(v as Buffer),
    ]),
  );
}

describe.each(['kafkajs', 'platformatic'] as const)('%s through eachMessage', (library) => {
  const context = new KafkaTestContext(`libs-each-${library}`);
  const kafka = clientFor(library);

  afterAll(() => context.close());

  it('round-trips keys, null keys and values, repeated headers, timestamps and chosen partitions, and commits what it handled', async () => {
    const topic = await context.createTopic(`libs-each-${library}`, { partitions: 2 });
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const sent = await producer.send({
      topic,
      acks: ACKS_ALL,
      messages: [
        {
          key: 'k1',
          value: 'a',
          partition: 1,
          timestamp: '1767225600000',
          headers: { h: ['x', 'y'], one: 'z' },
        },
        { key: null, value: Buffer.from([0, 255, 1]), partition: 1 },
        { key: Buffer.from('k3'), value: null, partition: 1 },
        { key: 'p0', value: 'b', partition: 0 },
      ],
    });
    expect(sent.map((r) => [r.topicName, r.partition, r.baseOffset]).sort()).toEqual([
      [topic, 0, '0'],
      [topic, 1, '0'],
    ]);
    const group = uniqueName(`libs-each-${library}`);
    const read = async () => {
      const seen: Array<Record<string, unknown>> = [];
      const consumer = createConsumer(kafka, group, { maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic: from, partition, message }) => {
          seen.push({
            from,
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            timestamp: message.timestamp,
            headers: headerStrings(message.headers),
          });
        },
      });
      return { seen, consumer };
    };
    const first = await read();
    await waitFor('4 records', () => (first.seen.length >= 4 ? true : undefined), 30_000);
    await first.consumer.disconnect();
    const onPartition1 = first.seen.filter((s) => s.partition === 1);
    expect(onPartition1).toEqual([
      {
        from: topic,
        partition: 1,
        offset: '0',
        key: Buffer.from('k1'),
        value: Buffer.from('a'),
        timestamp: '1767225600000',
        headers: { h: ['x', 'y'], one: 'z' },
      },
      expect.objectContaining({ offset: '1', key: null, value: Buffer.from([0, 255, 1]), headers: {} }),
      expect.objectContaining({ offset: '2', key: Buffer.from('k3'), value: null }),
    ]);
    expect(first.seen.filter((s) => s.partition === 0)).toEqual([
      expect.objectContaining({ offset: '0', key: Buffer.from('p0'), value: Buffer.from('b') }),
    ]);

    // Auto-committed after each handled batch: the group resumes after what it read.
    await producer.send({ topic, acks: ACKS_ALL, messages: [{ key: 'later', value: 'c', partition: 0 }] });
    await producer.disconnect();
    const second = await read();
    await waitFor('the later record', () => (second.seen.length >= 1 ? true : undefined), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await second.consumer.disconnect();
    expect(second.seen.map((s) => [s.partition, s.offset, String(s.value)])).toEqual([[0, '1', 'c']]);
  });

  it('calls a failing eachBatch again with the records it had not resolved', async () => {
    const topic = await context.createTopic(`libs-retry-${library}`, { partitions: 1 });
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    await producer.send({
      topic,
      acks: ACKS_ALL,
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })),
    });
    await producer.disconnect();
    const calls: string[][] = [];
    const handled: string[] = [];
    const consumer = createConsumer(kafka, uniqueName('libs-retry'), { maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch, resolveOffset }) => {
          calls.push(batch.messages.map((m) => m.offset));
          for (const m of batch.messages) {
            if (m.offset === '2' && calls.length === 1) throw new Error('transient');
            handled.push(String(m.value));
            resolveOffset(m.offset);
          }
        },
      });
      await waitFor('5 handled', () => (handled.length >= 5 ? true : undefined), 30_000);
    } finally {
      await consumer.disconnect();
    }
    expect(handled).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    expect(calls[0]).toEqual(['0', '1', '2', '3', '4']);
    expect(calls[1]?.[0]).toBe('2');
  });
});

describe('the platformatic facade', () => {
  const context = new KafkaTestContext('libs-plat');
  const kafka = clientFor('platformatic');

  afterAll(() => context.close());

  it('reports connect, group join, stop and disconnect to a ClientStateProbe', async () => {
    const topic = await context.createTopic('libs-plat-probe');
    const consumer = createConsumer(kafka, uniqueName('libs-plat-probe'), { maxWaitTimeInMs: 100 });
    const probe = ClientStateProbe.forConsumer(consumer);
    await consumer.connect();
    expect(probe.current().state).toBe('connected');
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({ eachMessage: async () => undefined });
    await waitFor('joined', () => (probe.current().state === 'joined' ? true : undefined), 30_000);
    await consumer.stop();
    expect(probe.current().state).toBe('stopped');
    await consumer.disconnect();
    expect(probe.current().state).toBe('disconnected');
  });

  it('disconnects while a handler runs (after it returns) and stops from inside one', async () => {
    const topic = await context.createTopic('libs-plat-stop');
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    await producer.send({ topic, acks: ACKS_ALL, messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.disconnect();
    const outside = createConsumer(kafka, uniqueName('libs-plat-stop'), { maxWaitTimeInMs: 100 });
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let finished = false;
    await outside.connect();
    await outside.subscribe({ topics: [topic], fromBeginning: true });
    await outside.run({
      eachBatch: async () => {
        entered();
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished = true;
      },
    });
    await inHandler;
    await outside.disconnect();
    expect(finished).toBe(true);

    const inside = createConsumer(kafka, uniqueName('libs-plat-stop'), { maxWaitTimeInMs: 100 });
    const probe = ClientStateProbe.forConsumer(inside);
    await inside.connect();
    await inside.subscribe({ topics: [topic], fromBeginning: true });
    const handled: string[] = [];
    await inside.run({
      eachMessage: async ({ message }) => {
        handled.push(String(message.value));
        await inside.stop();
      },
    });
    await waitFor('stopped', () => (probe.current().state === 'stopped' ? true : undefined), 30_000);
    await inside.disconnect();
    expect(handled).toEqual(['a']);
  });

  it('creates, lists, describes and deletes topics through its admin', async () => {
    const admin = kafka.admin();
    const topic = uniqueName('libs-plat-admin');
    await admin.connect();
    try {
      await expect(
        admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] }),
      ).resolves.toBe(true);
      await expect(admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).resolves.toBe(false);
      expect(await admin.listTopics()).toContain(topic);
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics[0]?.name).toBe(topic);
      expect(topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      expect(topics[0]?.partitions.every((p) => p.leader >= 0)).toBe(true);
      await admin.deleteTopics({ topics: [topic] });
      await waitFor('the topic gone', async () =>
        (await admin.listTopics()).includes(topic) ? undefined : true,
      );
      expect(() => admin.describeCluster()).toThrow(/Admin.describeCluster\(\) is not supported/);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses transactions, seek, pause, topic patterns, concurrent partitions and the high watermark by name', async () => {
    expect(() => kafka.producer({ transactionalId: 'tx', idempotent: true })).toThrow(
      /a transactional producer \(transactionalId\) is not supported with KAFKA_CLIENT_LIBRARY=platformatic/,
    );
    const topic = await context.createTopic('libs-plat-refuse');
    const consumer = createConsumer(kafka, uniqueName('libs-plat-refuse'), { maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await expect(consumer.subscribe({ topics: [/libs-.*/] })).rejects.toThrow(KafkaFeatureUnsupportedError);
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await expect(consumer.subscribe({ topics: ['other'], fromBeginning: false })).rejects.toThrow(
        /subscriptions that differ in fromBeginning/,
      );
      await expect(
        consumer.run({ partitionsConsumedConcurrently: 3, eachMessage: async () => undefined }),
      ).rejects.toThrow(KafkaFeatureUnsupportedError);
      expect(() => consumer.seek({ topic, partition: 0, offset: '0' })).toThrow(KafkaFeatureUnsupportedError);
      expect(() => consumer.pause([{ topic }])).toThrow(KafkaFeatureUnsupportedError);

      const producer = createIdempotentProducer(kafka);
      await producer.connect();
      await producer.send({ topic, acks: ACKS_ALL, messages: [{ value: 'x' }] });
      await producer.disconnect();
      let refusal: unknown;
      await consumer.run({
        eachBatch: async ({ batch }) => {
          try {
            void batch.highWatermark;
          } catch (err) {
            refusal = err;
          }
        },
      });
      await waitFor('a batch', () => (refusal ? true : undefined), 30_000);
      expect(refusal).toBeInstanceOf(KafkaFeatureUnsupportedError);
      expect((refusal as Error).message).toMatch(/Batch.highWatermark is not supported/);
    } finally {
      await consumer.disconnect();
    }
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
