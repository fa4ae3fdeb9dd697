/**
 * `npx nx run @eda/bench:kstreams` (part of `npm run bench`): the
 * inventory aggregator on our engine against the same topology on Apache
 * Kafka Streams (tools/bench/kstreams), one at a time on the same broker.
 *
 * Input: BENCH_KS_RECORDS Avro ItemTransactions (default 1,000,000; 2 % re-sent
 * ids, 1 % sales three minutes late, past the 10 s grace) in a topic of
 * BENCH_KS_PARTITIONS partitions (default 2), produced once. Each run starts
 * one contender as a child process with a fresh application.id and fresh
 * output topics and times it from RUNNING until the group's committed offsets
 * cover the input topic and the repartition topic. Afterwards the run's output
 * topics are read back and compared with the other contenders' and with the
 * expectation computed from the generated input; a mismatch fails the bench.
 *
 * Contenders: ours (the real app, in-memory stores, its only kind) and Kafka
 * Streams with in-memory and with RocksDB stores; the Java peer first runs
 * BENCH_KS_WARMUP_RECORDS (default 100,000) in the same JVM so its JIT is warm.
 * Cells: BENCH_KS_GUARANTEES (default at_least_once,exactly_once_v2) x
 * BENCH_KS_COMMIT_MS (default 100,1000); BENCH_KS_STORES (in_memory,rocksdb)
 * picks the Java stores; BENCH_KS_REPEAT rounds (default 3), contender order
 * rotated each round. BENCH_KS_CPU_PROF=<dir> profiles ours (--cpu-prof). BENCH_KS_APP_ROOT runs
 * ours from another checkout (a `git worktree` of a commit: a stable subject in a shared tree).
 *
 * Results of every cell are kept in tools/bench/results/kstreams-vs-aggregator.json
 * (a rerun of a cell replaces it) and docs/benchmarks.md's section is rendered from that file;
 * BENCH_KS_WRITE=false (a smoke run) writes neither.
 *
 * Env: KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or EDA_KAFKA_PORT / EDA_REGISTRY_PORT.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  registryConfigFromEnv,
  type ItemTransaction,
} from '@eda/events';
import {
  appRevision,
  describeKStreams,
  describeOurs,
  startKStreams,
  startOurs,
  WORKSPACE,
  type Contender,
} from './kstreams-peer';
import { diffStates, expectState, generateInput, readState, type InventoryState } from './inventory-outputs';
import { renderKStreamsReport, type CellResult } from './kstreams-report';

const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const RECORDS = Number(process.env['BENCH_KS_RECORDS'] ?? 1_000_000);
const WARMUP = Number(process.env['BENCH_KS_WARMUP_RECORDS'] ?? 100_000);
const PARTITIONS = Number(process.env['BENCH_KS_PARTITIONS'] ?? 2);
const REPEAT = Number(process.env['BENCH_KS_REPEAT'] ?? 3);
const GUARANTEES = list('BENCH_KS_GUARANTEES', 'at_least_once,exactly_once_v2') as Array<
  'at_least_once' | 'exactly_once_v2'
>;
const COMMITS = list('BENCH_KS_COMMIT_MS', '100,1000').map(Number);
const JAVA_STORES = list('BENCH_KS_STORES', 'in_memory,rocksdb') as Array<'in_memory' | 'rocksdb'>;
const CPU_PROF = process.env['BENCH_KS_CPU_PROF'];
const RESULTS = join(__dirname, 'results', 'kstreams-vs-aggregator.json');
/** `getconf CLK_TCK`: 100 on Linux (x86-64 and arm64 alike). */
const CLOCK_TICKS_PER_SECOND = 100;

process.env['KAFKA_BROKERS'] ??= `127.0.0.1:${process.env['EDA_KAFKA_PORT'] ?? '9092'}`;
process.env['SCHEMA_REGISTRY_URL'] ??=
  `http://127.0.0.1:${process.env['EDA_REGISTRY_PORT'] ?? '8081'}/apis/ccompat/v7`;
process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
const kafka = new Kafka({
  brokers: (process.env['KAFKA_BROKERS'] as string).split(','),
  logLevel: logLevel.NOTHING,
  clientId: 'kstreams-bench',
});
const registry = createSchemaRegistryClient(registryConfigFromEnv());
const CONTENDERS = ['ours', ...JAVA_STORES.map((s) => `kstreams ${s}`)];

async function createTopic(
  admin: Admin,
  topic: string,
  partitions: number,
  schema?: unknown,
  compacted = false,
) {
  // The registry (Apicurio on KafkaSQL) times out now and then on a loaded machine: retry, it is idempotent.
  for (let attempt = 1; schema; attempt++) {
    try {
      await registry.register(`${topic}-value`, JSON.stringify(schema));
      break;
    } catch (err) {
      if (attempt >= 6 || !(err as { retriable?: boolean }).retriable) throw err;
      await new Promise((r) => setTimeout(r, 2000 * attempt));
    }
  }
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: partitions,
        replicationFactor: 1,
        ...(compacted ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] } : {}),
      },
    ],
  });
}

async function produce(admin: Admin, topic: string, transactions: readonly ItemTransaction[]): Promise<void> {
  await createTopic(admin, topic, PARTITIONS, inventorySchemas.ItemTransaction);
  const serde = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
  await serde.resolveWriterSchema(topic);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < transactions.length; i += 2000) {
    const messages = transactions
      .slice(i, i + 2000)
      .map((tx) => ({ key: tx.storeId, value: serde.encodeSync(topic, tx) }));
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

/** Committed offsets of the group on `topic` against the topic's end offsets, summed over partitions. */
async function covered(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const end = ends.reduce((n, p) => n + Number(p.high), 0);
  const done = (committed[0]?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  return end > 0 && done >= end;
}

/** One run: fresh topics and application.id, start, time RUNNING -> covered, stop, read the outputs back. */
async function runOnce(
  admin: Admin,
  input: string,
  warmupInput: string,
  contender: string,
  cell: { guarantee: string; commitMs: number },
  round: number,
): Promise<{
  seconds: number;
  cpuSeconds: number | undefined;
  state: InventoryState;
  loadBefore: number;
  loadAfter: number;
}> {
  const tag = contender.replace('kstreams ', 'ks-').replace('_', '');
  const suffix = `${tag}-${cell.guarantee === 'exactly_once_v2' ? 'eos' : 'alos'}-${cell.commitMs}-${round}-${Date.now() % 1e8}`;
  const applicationId = `bench.ks-${suffix}`;
  const topics = {
    itemInventory: `bench.item.inventory-${suffix}`,
    storeInventory: `bench.store.inventory-${suffix}`,
    storeSales: `bench.store.sales-${suffix}`,
  };
  const java = contender !== 'ours';
  for (const extra of java ? ['', '-warmup'] : ['']) {
    await createTopic(
      admin,
      topics.itemInventory + extra,
      PARTITIONS,
      extra ? undefined : inventorySchemas.ItemInventory,
      true,
    );
    await createTopic(
      admin,
      topics.storeInventory + extra,
      PARTITIONS,
      extra ? undefined : inventorySchemas.StoreInventory,
      true,
    );
    await createTopic(
      admin,
      topics.storeSales + extra,
      PARTITIONS,
      extra ? undefined : inventorySchemas.StoreSalesWindow,
    );
  }
  if (!java) await createTopic(admin, `bench.items.dlq-${suffix}`, 1);
  const env: NodeJS.ProcessEnv = {
    APPLICATION_ID: applicationId,
    ITEMS_TOPIC: input,
    ITEM_INVENTORY_TOPIC: topics.itemInventory,
    STORE_INVENTORY_TOPIC: topics.storeInventory,
    STORE_SALES_TOPIC: topics.storeSales,
    DEAD_LETTER_TOPIC: `bench.items.dlq-${suffix}`,
    PROCESSING_GUARANTEE: cell.guarantee,
    COMMIT_INTERVAL_MS: String(cell.commitMs),
    SALES_GRACE_MS: '10000',
    ...(java && WARMUP > 0 ? { WARMUP_ITEMS_TOPIC: warmupInput } : {}),
  };
  const loadBefore = loadavg()[0] ?? 0;
  let app: Contender;
  if (java) app = startKStreams(env, contender.endsWith('rocksdb') ? 'rocksdb' : 'in_memory');
  else app = await startOurs(env, CPU_PROF ? { dir: CPU_PROF, name: `${suffix}.cpuprofile` } : undefined);
  try {
    await app.running;
    const started = performance.now();
    const cpuAtStart = processCpuSeconds(app.process.pid);
    const deadline = Date.now() + 900_000;
    const repartition = `${applicationId}-items-by-sku-repartition`;
    for (;;) {
      if (app.process.exitCode !== null) throw new Error(`${contender} exited with ${app.process.exitCode}`);
      if ((await covered(admin, applicationId, input)) && (await covered(admin, applicationId, repartition)))
        break;
      if (Date.now() > deadline) throw new Error(`${contender} did not catch up within 15 minutes`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuAtEnd = processCpuSeconds(app.process.pid);
    const cpuSeconds = cpuAtStart === undefined || cpuAtEnd === undefined ? undefined : cpuAtEnd - cpuAtStart;
    const loadAfter = loadavg()[0] ?? 0;
    await app.stop();
    return { seconds, cpuSeconds, state: await readState(kafka, registry, topics), loadBefore, loadAfter };
  } finally {
    await app.stop();
  }
}

/** Linux: user + system CPU seconds of a process, all its threads (`/proc/<pid>/stat` fields 14 and 15). */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

function loadResults(): CellResult[] {
  return existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as CellResult[]) : [];
}

async function main(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const started = new Date();
  const stamp = Date.now() % 1e8;
  const input = `bench.ks-items-${stamp}`;
  const warmupInput = `bench.ks-warmup-${stamp}`;
  process.stdout.write(`kstreams bench: generating ${RECORDS} records (+${WARMUP} warm-up)\n`);
  const generated = generateInput(RECORDS);
  const expected = expectState(generated);
  await produce(admin, input, generated.transactions);
  if (WARMUP > 0) await produce(admin, warmupInput, generateInput(WARMUP).transactions);
  process.stdout.write(`  produced ${input} (${PARTITIONS} partitions)\n`);

  const descriptions = { ours: describeOurs({ ITEMS_TOPIC: 'items' }), kstreams: describeKStreams({}) };
  const revision = appRevision();
  const cells = GUARANTEES.flatMap((guarantee) => COMMITS.map((commitMs) => ({ guarantee, commitMs })));
  const results = new Map<string, CellResult>(
    cells.map((c) => [
      `${c.guarantee}/${c.commitMs}`,
      {
        ...c,
        records: RECORDS,
        partitions: PARTITIONS,
        date: started.toISOString(),
        warmupRecords: WARMUP,
        appRevision: revision,
        runs: {},
      },
    ]),
  );
  for (let round = 0; round < REPEAT; round++) {
    for (const cell of cells) {
      const result = results.get(`${cell.guarantee}/${cell.commitMs}`) as CellResult;
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length] as string);
      const states: Array<[string, InventoryState]> = [];
      for (const contender of order) {
        const run = await runOnce(admin, input, warmupInput, contender, cell, round);
        (result.runs[contender] ??= []).push({
          seconds: run.seconds,
          loadBefore: run.loadBefore,
          loadAfter: run.loadAfter,
          ...(run.cpuSeconds === undefined ? {} : { cpuSeconds: run.cpuSeconds }),
        });
        const diff = diffStates(expected, run.state);
        const vsOther = states.length ? diffStates(states[0]?.[1] as InventoryState, run.state) : [];
        process.stdout.write(
          `  round ${round + 1} ${cell.guarantee} ${cell.commitMs} ms ${contender}: ` +
            `${Math.round(RECORDS / run.seconds)} records/s (${run.seconds.toFixed(1)} s, load ` +
            `${run.loadBefore.toFixed(2)} -> ${run.loadAfter.toFixed(2)}` +
            `${run.cpuSeconds === undefined ? '' : `, ${run.cpuSeconds.toFixed(1)} CPU s`}); ` +
            `${diff.length || vsOther.length ? 'OUTPUT MISMATCH' : 'outputs match the expectation'}\n`,
        );
        if (diff.length || vsOther.length) {
          throw new Error(
            `${contender} (${cell.guarantee}, ${cell.commitMs} ms) produced wrong aggregates:\n` +
              [
                ...diff.map((d) => `expected vs ${contender}: ${d}`),
                ...vsOther.map((d) => `${states[0]?.[0]} vs ${contender}: ${d}`),
              ].join('\n'),
          );
        }
        states.push([contender, run.state]);
      }
    }
  }
  await admin.disconnect();
  const write = process.env['BENCH_KS_WRITE'] !== 'false';
  const kept = loadResults().filter((r) => !results.has(`${r.guarantee}/${r.commitMs}`));
  const all = [...kept, ...results.values()].sort(
    (a, b) => a.guarantee.localeCompare(b.guarantee) || a.commitMs - b.commitMs,
  );
  const described = `# ours (libs/streams Topology.describe())\n${descriptions.ours}\n\n# Kafka Streams (Topology.describe())\n${descriptions.kstreams}\n`;
  process.stdout.write(`\n${described}`);
  const markdown = renderKStreamsReport(write ? all : [...results.values()], descriptions, expected);
  process.stdout.write(`\n${markdown}\n`);
  if (write) {
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
    writeFileSync(join(__dirname, 'results', 'topology-descriptions.txt'), described);
    const { writeBenchmarkSection } = await import('./benchmark-report');
    writeBenchmarkSection(join(WORKSPACE, 'docs', 'benchmarks.md'), 'kstreams', markdown);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`kstreams bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
