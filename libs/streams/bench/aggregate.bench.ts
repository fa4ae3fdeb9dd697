/**
 * Throughput of groupBy().aggregate() on the local broker, under both
 * guarantees, beside a raw kafkajs loop doing the same work, in one run.
 * Writes its section of docs/benchmarks.md. Run: `npx nx run @eda/streams:bench`.
 *
 * Contenders read the same preloaded input (BENCH_RECORDS records, default
 * 100,000) from the beginning, each in its own consumer group, so N is the
 * same for all. Each contender first runs once untimed on a small warm-up
 * topic (connections, metadata, JIT); then the contenders run BENCH_REPEATS
 * times (default 3) interleaved, and the median is reported.
 *
 * Env: BENCH_RECORDS, BENCH_REPEATS, BENCH_WARMUP_RECORDS (default 10,000),
 * BENCH_LOG (kafkajs warnings on), BENCH_NO_WRITE (print only), KAFKA_BROKERS.
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, Message, Partitioners, Producer } from 'kafkajs';
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
import { MAX_MESSAGES_PER_TOPIC_PER_REQUEST } from '../src/runtime/internals/output-buffer';

const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 100_000);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 3);
const WARMUP_RECORDS = Number(process.env['BENCH_WARMUP_RECORDS'] ?? 10_000);
const KEYS = 1000;
const PARTITIONS = 2;
const COMMIT_INTERVAL_MS = 100;
const kafka = new Kafka({ brokers: BROKERS, logLevel: logLevel.ERROR, clientId: 'streams-bench' });
const run = `bench-${Date.now().toString(36)}`;
const LONG = Serdes.Long();

type Contender = 'raw' | 'at_least_once' | 'exactly_once_v2';

async function waitUntil(check: () => boolean, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One sendBatch per request of at most MAX_MESSAGES_PER_TOPIC_PER_REQUEST messages per topic, as the engine does. */
async function sendChunked(producer: Producer, topicMessages: Array<{ topic: string; messages: Message[] }>) {
  const cap = MAX_MESSAGES_PER_TOPIC_PER_REQUEST;
  const longest = Math.max(0, ...topicMessages.map((t) => t.messages.length));
  for (let i = 0; i < longest; i += cap) {
    const request = topicMessages
      .filter((t) => t.messages.length > i)
      .map((t) => ({ topic: t.topic, messages: t.messages.slice(i, i + cap) }));
    await producer.sendBatch({ topicMessages: request, acks: -1 });
  }
}

/**
 * The topology's work, by hand, at-least-once: input -> re-key -> produce to a
 * repartition-like topic; that topic -> sum per key in a Map -> produce the
 * touched keys to a changelog-like topic (explicit partition) and to the output;
 * commit offsets after each fetched batch's produce is acknowledged.
 */
async function rawLoop(input: string, tag: string, records: number): Promise<number> {
  const repartition = `${run}-${tag}-raw-repartition`;
  const changelog = `${run}-${tag}-raw-changelog`;
  const output = `${run}-${tag}-raw-out`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [repartition, changelog, output].map((topic) => ({ topic, numPartitions: PARTITIONS })),
  });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `${run}-${tag}-raw`, maxWaitTimeInMs: 100 });
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topics: [input, repartition], fromBeginning: true });
  const sums = new Map<string, number>();
  let aggregated = 0;
  let started = 0;
  let finished = 0;
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      started ||= Date.now();
      if (batch.topic === input) {
        // groupBy((key) => key): the same key, so the same bytes; a String serde round trip, as the DSL does.
        const messages = batch.messages.map((m) => ({
          key: m.key === null ? null : Buffer.from(m.key.toString()),
          value: m.value === null ? null : Buffer.from(m.value.toString()),
        }));
        await sendChunked(producer, [{ topic: repartition, messages }]);
      } else {
        const touched = new Map<string, number>();
        for (const m of batch.messages) {
          const key = m.key?.toString() ?? '';
          const sum = (sums.get(key) ?? 0) + Number(m.value?.toString() ?? 0);
          sums.set(key, sum);
          touched.set(key, sum);
        }
        const changes: Message[] = [];
        const updates: Message[] = [];
        for (const [key, sum] of touched) {
          const value = LONG.serialize(sum, output);
          changes.push({ key, value, partition: batch.partition });
          updates.push({ key, value });
        }
        await sendChunked(producer, [
          { topic: changelog, messages: changes },
          { topic: output, messages: updates },
        ]);
      }
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) },
      ]);
      if (batch.topic === repartition) {
        aggregated += batch.messages.length;
        if (aggregated >= records && finished === 0) finished = Date.now();
      }
    },
  });
  await waitUntil(() => finished > 0);
  await consumer.disconnect();
  await producer.disconnect();
  return (records / (finished - started)) * 1000;
}

async function streamsRun(
  input: string,
  tag: string,
  guarantee: Contender,
  records: number,
): Promise<number> {
  const S = Serdes.String();
  const builder = new StreamsBuilder();
  builder
    .stream(input, Consumed.with(S, S))
    .groupBy((key) => key, Grouped.with(S, S).withName('by-key'))
    .aggregate(
      () => 0,
      (_k, v, sum) => sum + Number(v),
      Materialized.as<string, number>('sums').withValueSerde(LONG),
    )
    .toStream()
    .to(`${run}-${tag}-out`, Produced.with(S, LONG));
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic: `${run}-${tag}-out`, numPartitions: PARTITIONS }],
  });
  await admin.disconnect();
  const streams = new KafkaStreams(builder.build(), {
    'application.id': `${run}-${tag}`,
    'bootstrap.servers': BROKERS,
    'processing.guarantee': guarantee as 'at_least_once' | 'exactly_once_v2',
    'commit.interval.ms': COMMIT_INTERVAL_MS,
    kafka: { logLevel: process.env['BENCH_LOG'] ? logLevel.WARN : logLevel.NOTHING },
  });
  streams.onStateChange((state) => {
    if (state === StreamsState.ERROR) console.error('streams failed:', streams.fatalError);
  });
  const processed = () => streams.metrics()['streams.records.processed'];
  await streams.start();
  // The clock starts when the instance is RUNNING or has processed its first record, whichever is first.
  await waitUntil(() => streams.state === StreamsState.RUNNING || processed() > 0);
  const started = Date.now();
  // Each input record is processed twice: once from the input, once from the repartition topic.
  await waitUntil(() => processed() >= 2 * records);
  const elapsed = Date.now() - started;
  await streams.close();
  return (records / elapsed) * 1000;
}

async function contend(contender: Contender, input: string, tag: string, records: number): Promise<number> {
  return contender === 'raw'
    ? rawLoop(input, tag, records)
    : streamsRun(input, `${tag}-${contender === 'at_least_once' ? 'alos' : 'eos'}`, contender, records);
}

async function preload(topic: string, records: number): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < records; i += 1000) {
    const messages = Array.from({ length: Math.min(1000, records - i) }, (_, j) => ({
      key: `k${(i + j) % KEYS}`,
      value: String((i + j) % 7),
    }));
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

async function main(): Promise<void> {
  // Other work on the machine skews every contender; the report states it.
  const loadAtStart = loadavg()[0]?.toFixed(2) ?? 'unknown';
  const admin = kafka.admin();
  await admin.connect();
  const input = `${run}-in`;
  const warmup = `${run}-warmup`;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [input, warmup].map((topic) => ({ topic, numPartitions: PARTITIONS })),
  });
  await preload(input, RECORDS);
  await preload(warmup, WARMUP_RECORDS);

  const contenders: Contender[] = ['raw', 'at_least_once', 'exactly_once_v2'];
  for (const c of contenders) await contend(c, warmup, 'w', WARMUP_RECORDS);
  const results: Record<Contender, number[]> = { raw: [], at_least_once: [], exactly_once_v2: [] };
  for (let r = 0; r < REPEATS; r++) {
    for (const c of contenders) {
      const rate = await contend(c, input, `r${r}`, RECORDS);
      results[c].push(rate);
      console.log(`run ${r + 1}/${REPEATS} ${c}: ${Math.round(rate)} rec/s`);
    }
  }

  const topics = (await admin.listTopics()).filter((t) => t.startsWith(run));
  await admin.deleteTopics({ topics });
  await admin.disconnect();
  report(results, loadAtStart);
}

function report(results: Record<Contender, number[]>, loadAtStart: string): void {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const raw = median(results.raw);
  const alos = median(results.at_least_once);
  const eos = median(results.exactly_once_v2);
  const row = (name: string, xs: number[]) => `| ${name} | ${fmt(median(xs))} | ${xs.map(fmt).join(', ')} |`;
  const section = `<!-- bench:streams:start -->

## Streams engine (libs/streams)

Measured ${new Date().toISOString().slice(0, 10)} by \`npx nx run @eda/streams:bench\` (libs/streams/bench/aggregate.bench.ts).

- Machine: ${cpus().length} vCPU ${cpus()[0]?.model ?? ''}, Node ${process.version}, kafkajs 2.2.4, local single-node Kafka 4.1.2 (KRaft).
- Load average (1 min) when the run started: ${loadAtStart}.
- Conditions: N = ${RECORDS.toLocaleString('en-US')} records preloaded once in a ${PARTITIONS}-partition topic, ${KEYS} keys, sum per key;
  every contender reads the same N from the beginning in its own group; one process;
  commit.interval.ms=${COMMIT_INTERVAL_MS} for both guarantees. Each contender ran once untimed on ${WARMUP_RECORDS.toLocaleString('en-US')} warm-up
  records, then ${REPEATS} times interleaved; the table shows the median and every run.
- Same work: the streams topology is \`groupBy(key).aggregate(sum).toStream().to(out)\`: it re-keys every record
  to \`<app>-by-key-repartition\`, re-reads it, sums per key in a cached store, and writes the store's changelog
  and the output. The raw loop (one idempotent producer, one consumer group, at-least-once) does the same by hand:
  input -> re-key -> repartition-like topic; that topic -> sum in a Map -> touched keys to a changelog-like topic
  and to the output; commitOffsets after each fetched batch. Produce requests carry at most
  ${MAX_MESSAGES_PER_TOPIC_PER_REQUEST} messages per topic in both (kafkajs groups a request's messages per partition in O(m^2)).
- What differs: the raw loop collapses updates per fetched batch, the topology per commit interval (cache, KIP-63),
  so their changelog/output record counts differ slightly; the raw loop has no trace-context handling, serde
  layers, task routing or store layers. exactly_once_v2 adds one transaction per task per commit (read_committed).
- Throughput = N / time from the first fetched batch (raw) or RUNNING (streams) to the last repartitioned
  record aggregated.

| run | records/s (median) | runs |
| --- | ---: | --- |
${row('raw kafkajs loop (same work)', results.raw)}
${row('streams at_least_once', results.at_least_once)}
${row('streams exactly_once_v2', results.exactly_once_v2)}

| ratio (medians, same run) | value | target |
| --- | ---: | ---: |
| at_least_once / raw | ${(alos / raw).toFixed(2)} | >= 0.7 |
| exactly_once_v2 / at_least_once | ${(eos / alos).toFixed(2)} | >= 0.7 |
<!-- bench:streams:end -->
`;
  console.log(section);
  const file = join(__dirname, '../../../docs/benchmarks.md');
  const current = readFileSync(file, 'utf8');
  const pattern = /<!-- bench:streams:start -->[\s\S]*<!-- bench:streams:end -->\n?/;
  if (process.env['BENCH_NO_WRITE']) return;
  writeFileSync(
    file,
    pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}`,
  );
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
