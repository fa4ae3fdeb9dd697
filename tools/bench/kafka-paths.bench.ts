/**
 * `npm run bench` (project @eda/bench): moves the same ItemTransaction records
 * through Kafka three ways, side by side in one run, on the native stack:
 *
 *   produce   ours (AvroSerde encode + kafkajs idempotent, acks=all)
 *             ours on Confluent's client (same code, KAFKA_CLIENT_LIBRARY=confluent)
 *             raw kafkajs (the same pre-encoded bytes, same producer settings)
 *             kafka-producer-perf-test (Java client, acks=all, idempotent)
 *   consume   ours (kafkajs eachBatch + AvroSerde.decodeSync)
 *             ours on Confluent's client
 *             raw kafkajs eachBatch (bytes only)
 *             kafka-consumer-perf-test (Java client)
 *
 * The Confluent rows need `bash tools/kafka/install-confluent-client.sh`;
 * without it they are left out and the report says so.
 *
 * Each contender gets a fresh 6-partition topic; the consumers read what the
 * raw kafkajs producer wrote. Results go to docs/benchmarks.md.
 *
 * Env: BENCH_RECORDS (default 100000), KAFKA_BROKERS, SCHEMA_REGISTRY_URL.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Message, Producer } from 'kafkajs';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  ItemTransaction,
  registryConfigFromEnv,
  TransactionType,
} from '@eda/events';
import {
  CONFLUENT_CLIENT_VERSION,
  createIdempotentProducer,
  createKafkaClient,
  kafkaConfigFromEnv,
} from '@eda/kafka';
import { consumerPerfTest, producerPerfTest } from './kafka-perf-tools';
import { writeBenchmarkSection } from './benchmark-report';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const BATCH = 1000;
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

function transaction(i: number): ItemTransaction {
  return {
    id: randomUUID(),
    storeId: `store-${i % 20}`,
    sku: `sku-${i % 500}`,
    type: i % 4 === 0 ? TransactionType.RESTOCK : TransactionType.SALE,
    quantity: 1 + (i % 9),
    unitPrice: 199 + (i % 1000),
    currency: 'USD',
    timestamp: 1_767_225_600_000 + i,
  };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return RECORDS / seconds;
}

async function produceAll(producer: Producer, topic: string, batchOf: (from: number) => Promise<Message[]>) {
  for (let from = 0; from < RECORDS; from += BATCH) {
    await producer.send({ topic, acks: -1, messages: await batchOf(from) });
  }
}

async function consumeAll(
  kafka: Pick<Kafka, 'consumer'>,
  topic: string,
  onBatch: (values: Buffer[]) => void,
  records = RECORDS,
): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxBytes: 10 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let started = 0n;
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (started === 0n) started = process.hrtime.bigint();
        onBatch(batch.messages.map((m) => m.value as Buffer));
        seen += batch.messages.length;
        if (seen >= records) resolve();
      },
    });
  });
  await done;
  // Timed from the first fetched batch, like kafka-consumer-perf-test, so
  // group join and assignment are not counted.
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await consumer.disconnect();
  return records / seconds;
}

async function main(): Promise<void> {
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  // Other work on the machine skews all contenders; the report states it.
  const loadAtStart = loadavg()[0]?.toFixed(2) ?? 'unknown';
  const kafka = new Kafka({ clientId: 'eda-bench', brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const topics = ['ours', 'raw', 'java', 'warmup', 'confluent'].map((k) => `bench.${k}.${randomUUID()}`);
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })),
  });
  const [oursTopic, rawTopic, javaTopic, warmupTopic, confluentTopic] = topics as [
    string,
    string,
    string,
    string,
    string,
  ];
  // Our factories on Confluent's client (undefined when it is not built here).
  const confluent = (() => {
    try {
      return createKafkaClient(
        kafkaConfigFromEnv(
          { KAFKA_BROKERS: brokers.join(','), KAFKA_CLIENT_LIBRARY: 'confluent' },
          'eda-bench-confluent',
        ),
      );
    } catch (err) {
      console.warn(`leaving out the Confluent client: ${(err as Error).message}`);
      return undefined;
    }
  })();

  try {
    const serde = new AvroSerde<ItemTransaction>({
      registry: createSchemaRegistryClient(registryConfigFromEnv()),
      schema: inventorySchemas.ItemTransaction,
      subjectNameStrategy: () => 'items-value',
    });
    const records = Array.from({ length: RECORDS }, (_, i) => transaction(i));
    const frames = await Promise.all(records.map((r) => serde.encode(oursTopic, r)));
    const recordSize = Math.round(frames.reduce((n, f) => n + f.length, 0) / frames.length);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // Untimed warm-up of both JS paths: connections, producer id, metadata and JIT
    // would otherwise be charged to whichever contender runs first.
    for (let i = 0; i < 5; i++) {
      const slice = records.slice(i * BATCH, (i + 1) * BATCH);
      await producer.send({
        topic: warmupTopic,
        acks: -1,
        messages: await Promise.all(
          slice.map(async (r) => ({ key: r.storeId, value: await serde.encode(warmupTopic, r) })),
        ),
      });
      await producer.send({
        topic: warmupTopic,
        acks: -1,
        messages: frames.slice(i * BATCH, (i + 1) * BATCH).map((value) => ({ value })),
      });
    }
    const oursBatch = (topic: string) => async (from: number) =>
      Promise.all(
        records
          .slice(from, from + BATCH)
          .map(async (r) => ({ key: r.storeId, value: await serde.encode(topic, r) })),
      );
    let confluentProduce: number | undefined;
    if (confluent) {
      const confluentProducer = createIdempotentProducer(confluent);
      await confluentProducer.connect();
      for (let i = 0; i < 5; i++)
        await confluentProducer.send({
          topic: warmupTopic,
          acks: -1,
          messages: await oursBatch(warmupTopic)(i * BATCH),
        });
      confluentProduce = await timed(() =>
        produceAll(confluentProducer, confluentTopic, oursBatch(confluentTopic)),
      );
      await confluentProducer.disconnect();
    }
    const produce = {
      ours: await timed(() =>
        produceAll(producer, oursTopic, async (from) =>
          Promise.all(
            records
              .slice(from, from + BATCH)
              .map(async (r) => ({ key: r.storeId, value: await serde.encode(oursTopic, r) })),
          ),
        ),
      ),
      raw: await timed(() =>
        produceAll(producer, rawTopic, async (from) =>
          frames
            .slice(from, from + BATCH)
            .map((value, i) => ({ key: records[from + i]?.storeId ?? null, value })),
        ),
      ),
      java: producerPerfTest({
        bootstrap: brokers.join(','),
        topic: javaTopic,
        records: RECORDS,
        recordSize,
      }),
    };
    await producer.disconnect();

    // Untimed warm-up of the consumer path (10,000 records written above).
    await consumeAll(kafka, warmupTopic, (values) => values.forEach((v) => serde.decodeSync(v)), 5 * BATCH);
    let decoded = 0;
    const decodeAll = (values: Buffer[]) => {
      for (const v of values) if (serde.decodeSync(v).quantity > 0) decoded++;
    };
    const confluentConsume = confluent ? await consumeAll(confluent, rawTopic, decodeAll) : undefined;
    const consume = {
      ours: await consumeAll(kafka, rawTopic, decodeAll),
      raw: await consumeAll(kafka, rawTopic, () => undefined),
      java: consumerPerfTest({ bootstrap: brokers.join(','), topic: rawTopic, records: RECORDS }),
    };
    const expected = confluent ? 2 * RECORDS : RECORDS;
    if (decoded < expected) throw new Error(`decoded ${decoded} of ${expected} records`);

    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    const markdown = [
      '## Kafka paths: ours vs raw kafkajs vs Kafka perf tools (tools/bench)',
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} by \`npx nx run @eda/bench:bench\` (tools/bench/kafka-paths.bench.ts).`,
      '',
      `- Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, kafkajs 2.2.4, Kafka 4.1.2 (native stack, one KRaft node on loopback).`,
      `- Conditions: ${fmt(RECORDS)} ItemTransaction records of ${recordSize} bytes (Confluent-framed Avro), 6-partition topics, acks=all, idempotent producers;`,
      `  kafkajs sends batches of ${BATCH} and awaits each; Kafka's tools run with their defaults plus linger.ms=5, batch.size=64 KiB. One run, contenders back to back.`,
      "- Confluent's client runs with the facade's settings (idempotent, acks=all) and librdkafka's defaults (linger.ms=5, eachBatch of at most 32 messages); the same `produceAll`/`consumeAll` code drives it through `createKafkaClient`.",
      `- Load average (1 min) when the run started: ${loadAtStart} on ${cpus().length} cores. Java's numbers include its JIT warm-up, which 100k records do not amortise.`,
      '',
      'The Java tools are timed as they report themselves: the producer over its whole run (JVM start excluded, connection included),',
      'the consumer by `fetch.nMsg.sec` (group join excluded), which is also how the kafkajs consumers are timed (from the first batch).',
      '',
      '| path | produce records/s | consume records/s |',
      '| --- | ---: | ---: |',
      `| ours: AvroSerde + kafkajs | ${fmt(produce.ours)} | ${fmt(consume.ours)} |`,
      confluentProduce !== undefined && confluentConsume !== undefined
        ? `| ours on Confluent's client (${CONFLUENT_CLIENT_VERSION}, librdkafka) | ${fmt(confluentProduce)} | ${fmt(confluentConsume)} |`
        : `| ours on Confluent's client | not built here (tools/kafka/install-confluent-client.sh) | |`,
      `| raw kafkajs, same bytes | ${fmt(produce.raw)} | ${fmt(consume.raw)} |`,
      `| Kafka perf tools (Java client) | ${fmt(produce.java)} | ${fmt(consume.java)} |`,
      '',
      '| ratio (same run) | produce | consume |',
      '| --- | ---: | ---: |',
      `| ours / raw kafkajs | ${ratio(produce.ours, produce.raw)} | ${ratio(consume.ours, consume.raw)} |`,
      `| ours / Kafka perf tools | ${ratio(produce.ours, produce.java)} | ${ratio(consume.ours, consume.java)} |`,
      ...(confluentProduce !== undefined && confluentConsume !== undefined
        ? [
            `| ours on Confluent / ours on kafkajs | ${ratio(confluentProduce, produce.ours)} | ${ratio(confluentConsume, consume.ours)} |`,
            `| ours on Confluent / Kafka perf tools | ${ratio(confluentProduce, produce.java)} | ${ratio(confluentConsume, consume.java)} |`,
          ]
        : []),
      `| raw kafkajs / Kafka perf tools | ${ratio(produce.raw, produce.java)} | ${ratio(consume.raw, consume.java)} |`,
    ].join('\n');
    console.log(markdown);
    writeBenchmarkSection(join(__dirname, '..', '..', 'docs', 'benchmarks.md'), 'kafka', markdown);
  } finally {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
