/**
 * `npx nx run @eda/bench:aggregator`: the real `inventory-aggregator` app, end
 * to end on the native stack, as users run it (not the engine's micro
 * topology): throughput per guarantee and commit interval.
 *
 * One input topic (BENCH_AGG_PARTITIONS, default 2) holds BENCH_AGG_RECORDS
 * Avro ItemTransactions (default 300,000; 2 % re-sent ids), produced once.
 * Each run starts the app as a child process with a fresh application.id and
 * fresh output topics, and times it from RUNNING (/health/ready) until the
 * group's committed offsets cover the input and the repartition topic: every
 * record read, aggregated, written and committed. Runs are interleaved
 * (BENCH_AGG_REPEAT rounds, default 1) and the median is reported.
 *
 * BENCH_AGG_CPU_PROF=<dir> passes --cpu-prof to the app (Chrome's profiler
 * format, one .cpuprofile per run) for a flame graph.
 *
 * Env: KAFKA_BROKERS, SCHEMA_REGISTRY_URL (the app reads them too).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Admin, Kafka, logLevel } from 'kafkajs';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  type ItemTransaction,
  registryConfigFromEnv,
  TransactionType,
} from '@eda/events';

const RECORDS = Number(process.env['BENCH_AGG_RECORDS'] ?? 300_000);
const PARTITIONS = Number(process.env['BENCH_AGG_PARTITIONS'] ?? 2);
const REPEAT = Number(process.env['BENCH_AGG_REPEAT'] ?? 1);
const CPU_PROF = process.env['BENCH_AGG_CPU_PROF'];
const CONTENDERS: ReadonlyArray<{ guarantee: 'at_least_once' | 'exactly_once_v2'; commitMs: number }> = [
  { guarantee: 'at_least_once', commitMs: 100 },
  { guarantee: 'exactly_once_v2', commitMs: 100 },
  { guarantee: 'at_least_once', commitMs: 1000 },
  { guarantee: 'exactly_once_v2', commitMs: 1000 },
];
const WORKSPACE = join(__dirname, '..', '..');
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING, clientId: 'aggregator-bench' });

/** 20 stores, 200 skus, one event a 10 ms from an hour ago: a few sales windows per store. */
function transactions(count: number): ItemTransaction[] {
  const start = Date.now() - 3_600_000;
  const out: ItemTransaction[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % 50 === 0) {
      out.push(out[i - 25] as ItemTransaction); // 2 % re-sent ids
      continue;
    }
    const restock = i % 4 === 0;
    out.push({
      id: randomUUID(),
      storeId: `store-${String(i % 20).padStart(3, '0')}`,
      sku: `SKU-${String(i % 200).padStart(5, '0')}`,
      type: restock ? TransactionType.RESTOCK : TransactionType.SALE,
      quantity: restock ? 40 : 1 + (i % 3),
      unitPrice: 1999,
      currency: 'USD',
      timestamp: start + Math.floor((i * 3_600_000) / count),
    });
  }
  return out;
}

const registry = createSchemaRegistryClient(registryConfigFromEnv());

/** Creates `topic` and registers its value schema (the app never auto-registers), if it has one. */
async function createTopic(
  admin: Admin,
  topic: string,
  partitions: number,
  schema?: unknown,
  compacted = false,
): Promise<string> {
  if (schema) await registry.register(`${topic}-value`, JSON.stringify(schema));
  await admin.createTopics({
    topics: [
      {
        topic,
        numPartitions: partitions,
        replicationFactor: 1,
        ...(compacted ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] } : {}),
      },
    ],
    waitForLeaders: true,
  });
  return topic;
}

async function produceInput(admin: Admin, topic: string): Promise<void> {
  await createTopic(admin, topic, PARTITIONS, inventorySchemas.ItemTransaction);
  const serde = new AvroSerde<ItemTransaction>({
    registry,
    schema: inventorySchemas.ItemTransaction,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const all = transactions(RECORDS);
  for (let i = 0; i < all.length; i += 2000) {
    const messages = await Promise.all(
      all.slice(i, i + 2000).map(async (tx) => ({ key: tx.storeId, value: await serde.encode(topic, tx) })),
    );
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Offsets the group has committed on `topic`, summed, against the topic's end offsets, summed. */
async function coverage(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<{ committed: number; end: number }> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const end = ends.reduce((n, p) => n + Number(p.high), 0);
  const done = (committed[0]?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  return { committed: done, end };
}

async function runOnce(
  admin: Admin,
  input: string,
  c: (typeof CONTENDERS)[number],
  round: number,
): Promise<number> {
  const suffix = `${c.guarantee === 'exactly_once_v2' ? 'eos' : 'alos'}-${c.commitMs}-${round}-${Date.now() % 1e8}`;
  const applicationId = `bench.aggregator-${suffix}`;
  const outputs = {
    ITEM_INVENTORY_TOPIC: `bench.item.inventory-${suffix}`,
    STORE_INVENTORY_TOPIC: `bench.store.inventory-${suffix}`,
    STORE_SALES_TOPIC: `bench.store.sales-${suffix}`,
    DEAD_LETTER_TOPIC: `bench.items.dlq-${suffix}`,
  };
  await createTopic(admin, outputs.ITEM_INVENTORY_TOPIC, PARTITIONS, inventorySchemas.ItemInventory, true);
  await createTopic(admin, outputs.STORE_INVENTORY_TOPIC, PARTITIONS, inventorySchemas.StoreInventory, true);
  await createTopic(admin, outputs.STORE_SALES_TOPIC, PARTITIONS, inventorySchemas.StoreSalesWindow);
  await createTopic(admin, outputs.DEAD_LETTER_TOPIC, 1);
  const port = await freePort();
  const nodeArgs = ['-r', '@swc-node/register'];
  if (CPU_PROF)
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`, `--cpu-prof-name=${suffix}.cpuprofile`);
  const app: ChildProcess = spawn(process.execPath, [...nodeArgs, 'apps/inventory-aggregator/src/main.ts'], {
    cwd: WORKSPACE,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: 'apps/inventory-aggregator/tsconfig.json',
      PORT: String(port),
      HOST: '127.0.0.1',
      APPLICATION_SERVER: `127.0.0.1:${port}`,
      APPLICATION_ID: applicationId,
      ITEMS_TOPIC: input,
      ...outputs,
      PROCESSING_GUARANTEE: c.guarantee,
      COMMIT_INTERVAL_MS: String(c.commitMs),
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const deadline = Date.now() + 600_000;
    for (;;) {
      if (app.exitCode !== null) throw new Error(`the aggregator exited with ${app.exitCode}`);
      if (Date.now() > deadline) throw new Error('the aggregator was not ready within 10 minutes');
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const started = performance.now();
    const repartition = `${applicationId}-items-by-sku-repartition`;
    for (;;) {
      if (app.exitCode !== null) throw new Error(`the aggregator exited with ${app.exitCode}`);
      const a = await coverage(admin, applicationId, input);
      const b =
        a.committed >= a.end ? await coverage(admin, applicationId, repartition) : { committed: 0, end: 1 };
      if (a.committed >= a.end && b.committed >= b.end && b.end > 0) break;
      if (Date.now() > deadline) throw new Error(`not caught up within 10 minutes (${a.committed}/${a.end})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return (performance.now() - started) / 1000;
  } finally {
    app.kill('SIGTERM');
    await new Promise((r) => (app.exitCode !== null ? r(undefined) : app.once('exit', r)));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const input = `bench.items-${Date.now() % 1e8}`;
  process.stdout.write(
    `aggregator bench: producing ${RECORDS} records into ${input} (${PARTITIONS} partitions)\n`,
  );
  await produceInput(admin, input);
  const seconds = new Map<string, number[]>();
  for (let round = 0; round < REPEAT; round++) {
    for (const c of CONTENDERS) {
      const key = `${c.guarantee} commit ${c.commitMs} ms`;
      const s = await runOnce(admin, input, c, round);
      (seconds.get(key) ?? seconds.set(key, []).get(key))?.push(s);
      process.stdout.write(`  ${key}: ${Math.round(RECORDS / s)} records/s (${s.toFixed(1)} s)\n`);
    }
  }
  await admin.disconnect();
  process.stdout.write(
    `\n| guarantee, commit interval | records/s (median of ${REPEAT}) |\n|---|---:|\n` +
      [...seconds].map(([k, xs]) => `| ${k} | ${Math.round(RECORDS / median(xs))} |`).join('\n') +
      `\n\n${RECORDS} records, ${PARTITIONS} input partitions; ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}; Node ${process.version}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`aggregator bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
