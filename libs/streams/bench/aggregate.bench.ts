/**
 * Throughput of groupBy().aggregate() on the local broker, under both
 * guarantees, beside a raw kafkajs consume -> sum -> produce loop, in one run.
 * Writes its section of docs/benchmarks.md. Run: `npx nx run @eda/streams:bench`.
 */
import { cpus } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import {
  Consumed,
  Grouped,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  StreamsState,
} from '../src/index';

const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const KEYS = 1000;
const PARTITIONS = 2;
const kafka = new Kafka({ brokers: BROKERS, logLevel: logLevel.ERROR, clientId: 'streams-bench' });
const run = `bench-${Date.now().toString(36)}`;

async function waitUntil(check: () => boolean, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rawLoop(input: string, output: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `${run}-raw` });
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic: input, fromBeginning: true });
  const sums = new Map<string, number>();
  let processed = 0;
  let started = 0;
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      started ||= Date.now();
      const touched = new Map<string, number>();
      for (const m of batch.messages) {
        const key = m.key?.toString() ?? '';
        const sum = (sums.get(key) ?? 0) + Number(m.value?.toString() ?? 0);
        sums.set(key, sum);
        touched.set(key, sum);
      }
      const messages = [...touched].map(([key, sum]) => ({
        key,
        value: Serdes.Long().serialize(sum, output),
      }));
      await producer.sendBatch({ topicMessages: [{ topic: output, messages }], acks: -1 });
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) },
      ]);
      processed += batch.messages.length;
    },
  });
  await waitUntil(() => processed >= RECORDS);
  const elapsed = Date.now() - started;
  await consumer.disconnect();
  await producer.disconnect();
  return (RECORDS / elapsed) * 1000;
}

async function streamsRun(
  input: string,
  output: string,
  guarantee: 'at_least_once' | 'exactly_once_v2',
): Promise<number> {
  const S = Serdes.String();
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
    'application.id': `${run}-${guarantee}`,
    'bootstrap.servers': BROKERS,
    'processing.guarantee': guarantee,
    'commit.interval.ms': 100,
    kafka: { logLevel: process.env['BENCH_LOG'] ? logLevel.WARN : logLevel.NOTHING },
  });
  streams.onStateChange((state) => {
    if (state === StreamsState.ERROR) console.error('streams failed:', streams.fatalError);
  });
  await streams.start();
  await waitUntil(() => streams.state === StreamsState.RUNNING);
  const started = Date.now();
  // Each input record is processed twice: once from the input, once from the repartition topic.
  await waitUntil(() => streams.metrics()['streams.records.processed'] >= 2 * RECORDS);
  const elapsed = Date.now() - started;
  await streams.close();
  return (RECORDS / elapsed) * 1000;
}

async function main(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const input = `${run}-in`;
  const outputs = ['raw', 'alos', 'eos'].map((n) => `${run}-out-${n}`);
  await admin.createTopics({
    waitForLeaders: true,
    topics: [input, ...outputs].map((topic) => ({ topic, numPartitions: PARTITIONS })),
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < RECORDS; i += 5000) {
    const messages = Array.from({ length: 5000 }, (_, j) => ({
      key: `k${(i + j) % KEYS}`,
      value: String((i + j) % 7),
    }));
    await producer.send({ topic: input, messages });
  }
  await producer.disconnect();

  const raw = await rawLoop(input, outputs[0] as string);
  const alos = await streamsRun(input, outputs[1] as string, 'at_least_once');
  const eos = await streamsRun(input, outputs[2] as string, 'exactly_once_v2');

  const topics = (await admin.listTopics()).filter((t) => t.startsWith(run));
  await admin.deleteTopics({ topics });
  await admin.disconnect();
  report(raw, alos, eos);
}

function report(raw: number, alos: number, eos: number): void {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const section = `<!-- bench:streams:start -->

## Streams engine (libs/streams)

Measured ${new Date().toISOString().slice(0, 10)} by \`npx nx run @eda/streams:bench\` (libs/streams/bench/aggregate.bench.ts).

- Machine: ${cpus().length} vCPU ${cpus()[0]?.model ?? ''}, Node ${process.version}, kafkajs 2.2.4, local single-node Kafka 4.1.2 (KRaft).
- Conditions: ${RECORDS.toLocaleString('en-US')} records preloaded in a ${PARTITIONS}-partition topic, ${KEYS} keys, sum per key;
  one instance, one process; commit.interval.ms=100 for both guarantees. The streams topology is
  \`groupBy(key).aggregate(sum)\` and so also writes and re-reads a repartition topic and a changelog;
  the raw loop does consume -> sum in a Map -> one sendBatch of the touched keys -> commitOffsets per batch.
  Throughput = input records / time from first fetch (raw) or RUNNING (streams) to the last record processed.

| run | records/s |
| --- | --------: |
| raw kafkajs loop | ${fmt(raw)} |
| streams at_least_once | ${fmt(alos)} |
| streams exactly_once_v2 | ${fmt(eos)} |

| ratio (same run) | value | target |
| --- | ---: | ---: |
| at_least_once / raw | ${(alos / raw).toFixed(2)} | >= 0.7 |
| exactly_once_v2 / at_least_once | ${(eos / alos).toFixed(2)} | >= 0.7 |
<!-- bench:streams:end -->
`;
  console.log(section);
  const file = join(__dirname, '../../../docs/benchmarks.md');
  const current = readFileSync(file, 'utf8');
  const pattern = /<!-- bench:streams:start -->[\s\S]*<!-- bench:streams:end -->\n?/;
  writeFileSync(
    file,
    pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}`,
  );
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
