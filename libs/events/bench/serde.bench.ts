/**
 * `npx nx run @eda/events:bench`: encode and decode throughput of
 * ItemTransaction through AvroSerde, side by side with raw avsc and JSON, in
 * one process and one run. Writes its section of docs/benchmarks.md.
 *
 * Steady state: the serde's registry lookups are made once before measuring
 * (an in-process registry fills the caches; after that the registry is never
 * touched, so a remote one would measure the same). Each task iteration
 * handles a batch of records so timer resolution does not dominate; rounds
 * alternate the tasks and the median round is reported.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import * as avro from 'avsc';
import { Bench } from 'tinybench';
import { AvroSerde, InMemorySchemaRegistry, inventorySchemas, type ItemTransaction } from '../src/index';

const BATCH = 1000;
const ROUNDS = 5;
const DOC = join(__dirname, '..', '..', '..', 'docs', 'benchmarks.md');
const START = '<!-- bench:events:start -->';
const END = '<!-- bench:events:end -->';

const records: ItemTransaction[] = Array.from({ length: BATCH }, (_, i) => ({
  id: `6f1c2b9e-4a7d-4c3b-9e2f-${String(100000000000 + i)}`,
  storeId: `store-${i % 20}`,
  sku: `sku-${i % 500}`,
  type: i % 4 === 0 ? 'RESTOCK' : 'SALE',
  quantity: 1 + (i % 9),
  unitPrice: 199 + i,
  currency: 'USD',
  timestamp: 1_767_225_600_000 + i * 1000,
}));

async function main(): Promise<void> {
  const registry = new InMemorySchemaRegistry();
  await registry.register('items-value', JSON.stringify(inventorySchemas.ItemTransaction));
  const serde = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
  const raw = avro.Type.forSchema(inventorySchemas.ItemTransaction);
  const frames = await Promise.all(records.map((r) => serde.encode('items', r)));
  const bodies = records.map((r) => raw.toBuffer(r));
  const jsons = records.map((r) => Buffer.from(JSON.stringify(r)));
  await serde.decode(frames[0] as Buffer); // fills the reader cache

  const tasks: Record<string, () => unknown> = {
    'encode: AvroSerde': async () => {
      for (const r of records) await serde.encode('items', r);
    },
    'encode: raw avsc toBuffer': () => records.map((r) => raw.toBuffer(r)),
    'encode: JSON.stringify + Buffer.from': () => records.map((r) => Buffer.from(JSON.stringify(r))),
    'decode: AvroSerde': async () => {
      for (const f of frames) await serde.decode(f);
    },
    'decode: AvroSerde decodeSync': () => frames.map((f) => serde.decodeSync(f)),
    'decode: AvroSerde decodeBatch': () => serde.decodeBatch(frames),
    'decode: raw avsc fromBuffer': () => bodies.map((b) => raw.fromBuffer(b)),
    // The same await per record as 'decode: AvroSerde', around raw avsc: what an eachMessage
    // handler pays for its own await, so the ratio between the two is the serde's own cost.
    'decode: raw avsc fromBuffer, awaited': async () => {
      for (const b of bodies) await raw.fromBuffer(b);
    },
    'decode: JSON.parse(buffer.toString())': () => jsons.map((j) => JSON.parse(j.toString('utf8'))),
  };
  const opsPerSec: Record<string, number[]> = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: 600, warmupTime: 200 });
    for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result as { period?: number };
      opsPerSec[task.name]?.push((BATCH * 1000) / (result.period ?? Number.NaN));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const m = Object.fromEntries(Object.entries(opsPerSec).map(([k, v]) => [k, median(v)]));
  const sizes = { serde: avg(frames), avsc: avg(bodies), json: avg(jsons) };
  writeReport(m, sizes);
}

function avg(buffers: Buffer[]): number {
  return buffers.reduce((n, b) => n + b.length, 0) / buffers.length;
}

function writeReport(m: Record<string, number>, sizes: { serde: number; avsc: number; json: number }): void {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const ratio = (a: string, b: string) => ((m[a] as number) / (m[b] as number)).toFixed(2);
  const nsPer = (task: string) => (1e9 / (m[task] as number)).toFixed(0);
  const rows = Object.entries(m).map(([name, ops]) => `| ${name} | ${fmt(ops)} |`);
  const cpu = cpus()[0]?.model ?? 'unknown';
  const section = [
    START,
    '## Avro serde (libs/events)',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npx nx run @eda/events:bench\` (libs/events/bench/serde.bench.ts).`,
    '',
    `- Machine: ${cpus().length} vCPU ${cpu} (${machineNote()}), Node ${process.version}, avsc 5.7.9, tinybench 6.`,
    `- Conditions: one process, all tasks in the same run; ${ROUNDS} rounds of 600 ms per task (200 ms warm-up), median round reported;`,
    `  each iteration handles ${BATCH} ItemTransaction records; the serde is in steady state (schema id and reader cached).`,
    '  AvroSerde encode/decode are awaited one record at a time, as a Kafka eachMessage handler would;',
    '  decodeBatch is awaited once per 1000 records, as an eachBatch handler would.',
    '',
    `Why the awaited decode stays below raw avsc: raw avsc takes ${nsPer('decode: raw avsc fromBuffer')} ns per record here, and ${nsPer('decode: raw avsc fromBuffer, awaited')} ns`,
    'with an `await` around it: one microtask turn per record, which the caller pays. The serde already answers',
    'from its cache with a resolved promise, so no serde can remove that cost, only the caller can. The',
    '"both awaited" row puts the same await around raw avsc, leaving the serde\'s own cost (header read, reader',
    "lookup). Hot loops use `decodeSync` or `decodeBatch`, which stay at raw avsc's speed, as the streams engine",
    "does; the dashboard's Nest transport hands its deserializer one record at a time, so it awaits per record.",
    '',
    '| task | records/s |',
    '|---|---:|',
    ...rows,
    '',
    '| ratio (same run) | value | target |',
    '|---|---:|---:|',
    `| decode: AvroSerde / raw avsc | ${ratio('decode: AvroSerde', 'decode: raw avsc fromBuffer')} | >= 0.95 |`,
    `| decode: AvroSerde / raw avsc, both awaited per record | ${ratio('decode: AvroSerde', 'decode: raw avsc fromBuffer, awaited')} | >= 0.95 |`,
    `| decode: AvroSerde / JSON.parse | ${ratio('decode: AvroSerde', 'decode: JSON.parse(buffer.toString())')} | >= 2 |`,
    `| decode: AvroSerde decodeBatch / raw avsc | ${ratio('decode: AvroSerde decodeBatch', 'decode: raw avsc fromBuffer')} | >= 0.95 |`,
    `| decode: AvroSerde decodeSync / raw avsc | ${ratio('decode: AvroSerde decodeSync', 'decode: raw avsc fromBuffer')} | >= 0.95 |`,
    `| decode: AvroSerde decodeSync / JSON.parse | ${ratio('decode: AvroSerde decodeSync', 'decode: JSON.parse(buffer.toString())')} | >= 2 |`,
    `| encode: AvroSerde / raw avsc | ${ratio('encode: AvroSerde', 'encode: raw avsc toBuffer')} | |`,
    `| encode: AvroSerde / JSON | ${ratio('encode: AvroSerde', 'encode: JSON.stringify + Buffer.from')} | |`,
    '',
    `Encoded size per record: AvroSerde ${sizes.serde.toFixed(1)} bytes (5-byte header + Avro body), raw Avro ${sizes.avsc.toFixed(1)} bytes, JSON ${sizes.json.toFixed(1)} bytes.`,
    END,
  ].join('\n');
  const existing = existsSync(DOC)
    ? readFileSync(DOC, 'utf8')
    : '# Benchmarks\n\nResults of `npm run bench`; each section is rewritten by its benchmark.\n';
  const next = existing.includes(START)
    ? existing.slice(0, existing.indexOf(START)) +
      section +
      existing.slice(existing.indexOf(END) + END.length)
    : `${existing.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, next);
  console.log(section);
}

function machineNote(): string {
  try {
    return (
      execSync("lscpu | grep -E '^(Hypervisor vendor|L2 cache)' | tr -s ' ' | paste -sd ';'", {
        encoding: 'utf8',
      }).trim() || 'lscpu unavailable'
    );
  } catch {
    return 'lscpu unavailable';
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
