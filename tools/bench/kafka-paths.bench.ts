/**
 * `npm run bench` (project @eda/bench): moves the same ItemTransaction records
 * through Kafka three ways, side by side in one run, on the native stack:
 *
 *   produce   ours (AvroSerde encode + kafkajs idempotent, acks=all)
 *             ours on Confluent's client (same code, KAFKA_CLIENT_LIBRARY=confluent)
 *             ours on @platformatic/kafka (same code, KAFKA_CLIENT_LIBRARY=platformatic)
 *             raw kafkajs (the same pre-encoded bytes, same producer settings)
 *             kafka-producer-perf-test (Java client, acks=all, idempotent)
 *   consume   ours (kafkajs eachBatch + AvroSerde.decodeSync)
 *             ours on Confluent's client
 *             ours on @platformatic/kafka
 *             raw kafkajs eachBatch (bytes only)
 *             kafka-consumer-perf-test (Java client)
 *
 * The Confluent rows need `bash tools/kafka/install-confluent-client.sh`;
 * without it they are left out and the report says so.
 *
 * Each contender gets a fresh 6-partition topic; the consumers read what the
 * raw kafkajs producer wrote. Results go to docs/benchmarks.md.
 *
 * Each figure is given whole-run and in steady state (the median of the tools' reporting
 * windows after the first; the JS contenders are cut into the same windows).
 *
 * Env: BENCH_RECORDS (default 2000000; consumed), BENCH_PRODUCE_RECORDS (default 3 x
 * BENCH_RECORDS; produced by each producer), BENCH_JAVA_PRODUCE_RECORDS and BENCH_JAVA_CONSUME_RECORDS
 * (default 12x and 10x BENCH_RECORDS, for Kafka's tools), BENCH_WRITE=false (print only), KAFKA_BROKERS,
 * SCHEMA_REGISTRY_URL.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
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
import { consumerPerfTest, producerPerfTest, steadyState, type PerfFigures } from './kafka-perf-tools';
import { writeBenchmarkSection } from './benchmark-report';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 2_000_000);
/**
 * Records each producer sends (the same RECORDS over again): kafka-producer-perf-test prints a window
 * only every 5 s, so at its speed here 2,000,000 records give it one window and no steady state.
 */
const PRODUCE_RECORDS = Number(process.env['BENCH_PRODUCE_RECORDS'] ?? 3 * RECORDS);
/**
 * Records Kafka's tools send and read: on a quiet machine they run at 1.5-2 million records/s, so
 * they need this many to print more than their first window (the steady state leaves that out).
 * The consumer tool reads them from the producer tool's topic (same record size and partitions).
 */
const JAVA_PRODUCE_RECORDS = Number(process.env['BENCH_JAVA_PRODUCE_RECORDS'] ?? 12 * RECORDS);
const JAVA_CONSUME_RECORDS = Number(process.env['BENCH_JAVA_CONSUME_RECORDS'] ?? 10 * RECORDS);
const BATCH = 1000;
/** The windows kafka-producer-perf-test reports in (fixed by the tool), and the ones asked of the consumer tool. */
const PRODUCE_WINDOW_MS = 5000;
const CONSUME_WINDOW_MS = 500;
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

/** The installed @platformatic/kafka's version, for the report (its package.json is not among its exports). */
const PLATFORMATIC_CLIENT_VERSION = (() => {
  const entry = require.resolve('@platformatic/kafka');
  const manifest = readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
})();

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

/**
 * Windows of records/s as Kafka's perf tools cut them: a window closes at the
 * first completed batch at least `windowMs` after it opened; the remainder
 * (a partial window) is not one, as the tools do not print it either.
 */
class WindowedRate {
  readonly windows: number[] = [];
  private readonly start = performance.now();
  private windowStart = this.start;
  private windowCount = 0;
  private count = 0;
  private first: { count: number; ms: number } | undefined;

  constructor(private readonly windowMs: number) {}

  add(records: number): void {
    this.count += records;
    const now = performance.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windows.push(((this.count - this.windowCount) * 1000) / (now - this.windowStart));
      this.first ??= { count: this.count, ms: now - this.start };
      this.windowStart = now;
      this.windowCount = this.count;
    }
  }

  /** Steady state as the median of the windows after the first (`afterFirst`: the rate after the first window). */
  figures(afterFirst = false): PerfFigures {
    const ms = performance.now() - this.start;
    const whole = (this.count * 1000) / ms;
    const steady = !afterFirst
      ? steadyState(this.windows)
      : this.first
        ? ((this.count - this.first.count) * 1000) / (ms - this.first.ms)
        : NaN;
    return { whole, steady, windows: this.windows };
  }
}

async function produceAll(
  producer: Producer,
  topic: string,
  batchOf: (from: number) => Promise<Message[]>,
): Promise<PerfFigures> {
  const rate = new WindowedRate(PRODUCE_WINDOW_MS);
  for (let sent = 0; sent < PRODUCE_RECORDS; sent += BATCH) {
    const messages = await batchOf(sent % RECORDS);
    await producer.send({ topic, acks: -1, messages });
    rate.add(messages.length);
  }
  return rate.figures(true);
}

/** No batch for this long: the consumer is reported as stalled instead of hanging the bench. */
const CONSUME_STALL_MS = 60_000;

/** A consume run's figures; `stalledAt` when no batch arrived for CONSUME_STALL_MS before the last record. */
type ConsumeFigures = PerfFigures & { readonly stalledAt?: number };

async function consumeAll(
  kafka: Pick<Kafka, 'consumer'>,
  topic: string,
  onBatch: (values: Buffer[]) => void,
  records = RECORDS,
): Promise<ConsumeFigures> {
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxBytes: 10 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  // Timed from the first fetched batch, like kafka-consumer-perf-test's fetch
  // figures, so group join and assignment are not counted.
  let rate: WindowedRate | undefined;
  let figures: ConsumeFigures | undefined;
  let lastBatchAt = Date.now();
  let watchdog: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    watchdog = setInterval(() => {
      if (figures || Date.now() - lastBatchAt < CONSUME_STALL_MS) return;
      figures = { whole: NaN, steady: NaN, windows: [], stalledAt: seen };
      resolve();
    }, 1_000);
    void consumer.run({
      eachBatch: async ({ batch }) => {
        lastBatchAt = Date.now();
        rate ??= new WindowedRate(CONSUME_WINDOW_MS);
        onBatch(batch.messages.map((m) => m.value as Buffer));
        seen += batch.messages.length;
        rate.add(batch.messages.length);
        if (seen >= records && !figures) {
          figures = rate.figures();
          resolve();
        }
      },
    });
  });
  await done;
  clearInterval(watchdog);
  // A stalled consumer may not disconnect cleanly either: do not wait on it for long.
  await Promise.race([consumer.disconnect(), new Promise((r) => setTimeout(r, 10_000))]);
  if (figures?.stalledAt !== undefined) {
    console.warn(`consume of ${topic} stalled after ${figures.stalledAt} of ${records} records`);
  }
  return figures as ConsumeFigures;
}

async function main(): Promise<void> {
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  // Other work on the machine skews all contenders; the report states it.
  const loadAtStart = loadavg()[0]?.toFixed(2) ?? 'unknown';
  const kafka = new Kafka({ clientId: 'eda-bench', brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const topics = ['ours', 'raw', 'java', 'warmup', 'confluent', 'platformatic'].map(
    (k) => `bench.${k}.${randomUUID()}`,
  );
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })),
  });
  const [oursTopic, rawTopic, javaTopic, warmupTopic, confluentTopic, platformaticTopic] = topics as [
    string,
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
  // Our factories on @platformatic/kafka (a dependency: always there).
  const platformatic = createKafkaClient(
    kafkaConfigFromEnv(
      { KAFKA_BROKERS: brokers.join(','), KAFKA_CLIENT_LIBRARY: 'platformatic' },
      'eda-bench-platformatic',
    ),
  );

  try {
    const serde = new AvroSerde<ItemTransaction>({
      registry: createSchemaRegistryClient(registryConfigFromEnv()),
      schema: inventorySchemas.ItemTransaction,
      subjectNameStrategy: () => 'items-value',
    });
    const records = Array.from({ length: RECORDS }, (_, i) => transaction(i));
    await serde.encode(oursTopic, records[0] as ItemTransaction); // resolves the schema id once
    const frames = records.map((r) => serde.encodeSync(oursTopic, r));
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
    let confluentProduce: PerfFigures | undefined;
    if (confluent) {
      const confluentProducer = createIdempotentProducer(confluent);
      await confluentProducer.connect();
      for (let i = 0; i < 5; i++)
        await confluentProducer.send({
          topic: warmupTopic,
          acks: -1,
          messages: await oursBatch(warmupTopic)(i * BATCH),
        });
      confluentProduce = await produceAll(confluentProducer, confluentTopic, oursBatch(confluentTopic));
      await confluentProducer.disconnect();
    }
    const platformaticProducer = createIdempotentProducer(platformatic);
    await platformaticProducer.connect();
    for (let i = 0; i < 5; i++)
      await platformaticProducer.send({
        topic: warmupTopic,
        acks: -1,
        messages: await oursBatch(warmupTopic)(i * BATCH),
      });
    const platformaticProduce = await produceAll(
      platformaticProducer,
      platformaticTopic,
      oursBatch(platformaticTopic),
    );
    await platformaticProducer.disconnect();
    const produce = {
      ours: await produceAll(producer, oursTopic, async (from) =>
        Promise.all(
          records
            .slice(from, from + BATCH)
            .map(async (r) => ({ key: r.storeId, value: await serde.encode(oursTopic, r) })),
        ),
      ),
      raw: await produceAll(producer, rawTopic, async (from) =>
        frames
          .slice(from, from + BATCH)
          .map((value, i) => ({ key: records[from + i]?.storeId ?? null, value })),
      ),
      java: producerPerfTest({
        bootstrap: brokers.join(','),
        topic: javaTopic,
        records: JAVA_PRODUCE_RECORDS,
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
    const platformaticConsume = await consumeAll(platformatic, rawTopic, decodeAll);
    const consume = {
      ours: await consumeAll(kafka, rawTopic, decodeAll),
      raw: await consumeAll(kafka, rawTopic, () => undefined),
      java: consumerPerfTest({
        bootstrap: brokers.join(','),
        topic: javaTopic,
        records: JAVA_CONSUME_RECORDS,
        windowMs: CONSUME_WINDOW_MS,
      }),
    };
    // Ours on kafkajs, on Confluent's client (when built) and on @platformatic/kafka (as far as it got).
    const expected = (confluent ? 2 : 1) * RECORDS + (platformaticConsume.stalledAt ?? RECORDS);
    if (decoded < expected) throw new Error(`decoded ${decoded} of ${expected} records`);

    const loadAtEnd = loadavg()[0]?.toFixed(2) ?? 'unknown';
    const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
    const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : 'n/a');
    const row = (name: string, p: PerfFigures, c: PerfFigures) =>
      `| ${name} | ${fmt(p.steady)} | ${fmt(p.whole)} | ${fmt(c.steady)} | ${fmt(c.whole)} |`;
    const ratioRow = (name: string, p: [PerfFigures, PerfFigures], c: [PerfFigures, PerfFigures]) =>
      `| ${name} | ${ratio(p[0].steady, p[1].steady)} | ${ratio(p[0].whole, p[1].whole)} | ` +
      `${ratio(c[0].steady, c[1].steady)} | ${ratio(c[0].whole, c[1].whole)} |`;
    const windows = (f: PerfFigures) => f.windows.map(fmt).join(', ');
    const cp = confluentProduce;
    const cc = confluentConsume;
    const pp = platformaticProduce;
    const pc = platformaticConsume;
    const markdown = [
      '## Kafka paths: ours vs raw kafkajs vs Kafka perf tools (tools/bench)',
      '',
      `Measured ${new Date().toISOString().slice(0, 10)} by \`npx nx run @eda/bench:bench\` (tools/bench/kafka-paths.bench.ts).`,
      '',
      `- Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, kafkajs 2.2.4, Kafka 4.1.2 (native stack, one KRaft node on loopback).`,
      `- Conditions: ${fmt(RECORDS)} ItemTransaction records of ${recordSize} bytes (Confluent-framed Avro), 6-partition topics, acks=all, idempotent producers;`,
      `  each JS producer sends ${fmt(PRODUCE_RECORDS)} (the same records over again) and each JS consumer reads ${fmt(RECORDS)}; Kafka's tools, 5-10x faster here,`,
      `  send ${fmt(JAVA_PRODUCE_RECORDS)} and read ${fmt(JAVA_CONSUME_RECORDS)} (of the producer tool's topic) so that they run well past their first window;`,
      `  kafkajs sends batches of ${BATCH} and awaits each; Kafka's tools run with their defaults plus linger.ms=5, batch.size=64 KiB. One run, contenders back to back.`,
      "- Confluent's client runs with the facade's settings (idempotent, acks=all) and librdkafka's defaults (linger.ms=5, eachBatch of at most 32 messages); the same `produceAll`/`consumeAll` code drives it through `createKafkaClient`.",
      `- @platformatic/kafka (${PLATFORMATIC_CLIENT_VERSION}) runs with the facade's settings (idempotent, acks=all, kafkajs's fetch sizes; eachBatch is what the stream has buffered, per partition), driven by the same code.`,
      `- Load average (1 min): ${loadAtStart} when the run started, ${loadAtEnd} when it ended, on ${cpus().length} cores shared with other work.`,
      '',
      '**Steady state** leaves out the start (JVM JIT, connections, the group join), as the Java tools report it while',
      'they run. Producer: kafka-producer-perf-test prints a line per 5 s window, too few here for a median, so the',
      'figure is the records sent after its first window over the time after it. Consumer: kafka-consumer-perf-test',
      `(\`--show-detailed-stats --reporting-interval ${CONSUME_WINDOW_MS}\`) prints a line per ${CONSUME_WINDOW_MS} ms window of fetching; the figure is`,
      'the median of those windows without the first. The JS contenders are cut into the same windows (a window closes',
      'at the first batch completed after it is full) and reported the same way.',
      "**Whole run** is each tool's own summary (producer: all records over its run, JVM",
      'start excluded; consumer: `fetch.nMsg.sec` of a second, plain run, group join excluded) and, for kafkajs, the',
      'same spans.',
      '',
      '| path | produce steady | produce whole run | consume steady | consume whole run |',
      '| --- | ---: | ---: | ---: | ---: |',
      row('ours: AvroSerde + kafkajs', produce.ours, consume.ours),
      cp !== undefined && cc !== undefined
        ? row(`ours on Confluent's client (${CONFLUENT_CLIENT_VERSION}, librdkafka)`, cp, cc)
        : `| ours on Confluent's client | not built here (tools/kafka/install-confluent-client.sh) | | | |`,
      pc.stalledAt === undefined
        ? row(`ours on @platformatic/kafka (${PLATFORMATIC_CLIENT_VERSION})`, pp, pc)
        : `| ours on @platformatic/kafka (${PLATFORMATIC_CLIENT_VERSION}) | ${fmt(pp.steady)} | ${fmt(pp.whole)} | ` +
          `stalled: no batch for ${CONSUME_STALL_MS / 1000} s after ${fmt(pc.stalledAt)} of ${fmt(RECORDS)} records | |`,
      row('raw kafkajs, same bytes', produce.raw, consume.raw),
      row('Kafka perf tools (Java client)', produce.java, consume.java),
      '',
      '| ratio (same run) | produce steady | produce whole | consume steady | consume whole |',
      '| --- | ---: | ---: | ---: | ---: |',
      ratioRow('ours / raw kafkajs', [produce.ours, produce.raw], [consume.ours, consume.raw]),
      ratioRow('ours / Kafka perf tools', [produce.ours, produce.java], [consume.ours, consume.java]),
      ...(cp !== undefined && cc !== undefined
        ? [
            ratioRow('ours on Confluent / ours on kafkajs', [cp, produce.ours], [cc, consume.ours]),
            ratioRow('ours on Confluent / Kafka perf tools', [cp, produce.java], [cc, consume.java]),
          ]
        : []),
      ratioRow('ours on @platformatic/kafka / ours on kafkajs', [pp, produce.ours], [pc, consume.ours]),
      ratioRow('ours on @platformatic/kafka / Kafka perf tools', [pp, produce.java], [pc, consume.java]),
      ratioRow('raw kafkajs / Kafka perf tools', [produce.raw, produce.java], [consume.raw, consume.java]),
      '',
      'Windows (records/s, in order), for the spread:',
      '',
      `- produce, ours: ${windows(produce.ours)}`,
      `- produce, Kafka perf tool: ${windows(produce.java)}`,
      `- consume, ours: ${windows(consume.ours)}`,
      `- consume, Kafka perf tool: ${windows(consume.java)}`,
    ].join('\n');
    console.log(markdown);
    if (process.env['BENCH_WRITE'] !== 'false')
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
