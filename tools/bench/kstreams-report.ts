/**
 * Renders the Kafka Streams comparison for docs/benchmarks.md from the kept
 * per-cell results (tools/bench/results/kstreams-vs-aggregator.json).
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import type { InventoryState } from './inventory-outputs';

/** One timed run. */
export interface RunResult {
  readonly seconds: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
  /** CPU seconds (user + system, all threads) the contender's process used while timed; absent in older results. */
  readonly cpuSeconds?: number;
}

/** All runs of one guarantee x commit interval, per contender. */
export interface CellResult {
  readonly guarantee: string;
  readonly commitMs: number;
  readonly records: number;
  readonly partitions: number;
  readonly date: string;
  /** Records each Kafka Streams run processed first, in the same JVM, to warm the JIT. */
  readonly warmupRecords: number;
  /** The commit ours ran at (`+changes`: with uncommitted edits in apps/ or libs/). */
  readonly appRevision: string;
  readonly runs: Record<string, RunResult[]>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function machine(): string {
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`;
  };
  const model = /Model name:\s*(.+)/.exec(run('lscpu', []))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  const java = /version "([^"]+)"/.exec(run('java', ['-version']))?.[1] ?? 'unknown';
  return (
    `${run('nproc', []).trim()} cores (\`nproc\`), ${model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; ` +
    `Node ${process.version}, Java ${java}; Kafka 4.1.2 broker and kafka-streams 4.1.2 (native stack, one KRaft node on loopback)`
  );
}

/** Records per CPU-second and cores used (medians), or "not measured" for results from before CPU was read. */
function cpuColumns(records: number, rs: readonly RunResult[]): string {
  const measured = rs.filter((r) => r.cpuSeconds !== undefined && r.cpuSeconds > 0);
  if (measured.length === 0) return 'not measured | not measured';
  const perCpu = median(measured.map((r) => records / (r.cpuSeconds as number)));
  const cores = median(measured.map((r) => (r.cpuSeconds as number) / r.seconds));
  return `${fmt(perCpu)} | ${cores.toFixed(2)}`;
}

/** The doc section: conditions, per-contender medians and spread, ratios, the topologies side by side. */
export function renderKStreamsReport(
  cells: readonly CellResult[],
  descriptions: { ours: string; kstreams: string },
  expected: InventoryState,
): string {
  const rows: string[] = [];
  const ratios: string[] = [];
  for (const cell of cells) {
    const rate = (rs: RunResult[]) => rs.map((r) => cell.records / r.seconds);
    const med = Object.fromEntries(Object.entries(cell.runs).map(([k, rs]) => [k, median(rate(rs))]));
    for (const [contender, rs] of Object.entries(cell.runs)) {
      const rates = rate(rs);
      const lo = Math.min(...rates);
      const hi = Math.max(...rates);
      const m = med[contender] as number;
      rows.push(
        `| ${cell.guarantee} | ${cell.commitMs} | ${contender} | ${fmt(m)} | ${median(rs.map((r) => r.seconds)).toFixed(1)} | ` +
          `${fmt(lo)}–${fmt(hi)} (±${(((hi - lo) / 2 / m) * 100).toFixed(0)} %) | ${cpuColumns(cell.records, rs)} | ${rs.length} | ` +
          `${rs.map((r) => `${r.loadBefore.toFixed(1)}→${r.loadAfter.toFixed(1)}`).join(', ')} |`,
      );
    }
    const ours = med['ours'];
    if (ours !== undefined) {
      const vs = (k: string) => (med[k] === undefined ? 'not run' : (ours / (med[k] as number)).toFixed(2));
      ratios.push(
        `| ${cell.guarantee} | ${cell.commitMs} | ${vs('kstreams in_memory')} | ${vs('kstreams rocksdb')} | ${cell.date.slice(0, 16).replace('T', ' ')} |`,
      );
    }
  }
  const records = cells[0]?.records ?? 0;
  return [
    '## Inventory aggregator: ours vs Apache Kafka Streams (tools/bench/kstreams-vs-aggregator.bench.ts)',
    '',
    'Measured by `npx nx run @eda/bench:kstreams` (also part of `npm run bench`); the Java peer is',
    '`tools/bench/kstreams` (built and cached by `tools/bench/kstreams/build.sh`).',
    '',
    `- Machine: ${machine()}.`,
    `- Input: ${fmt(records)} Confluent-framed Avro ItemTransactions in a ${cells[0]?.partitions ?? 2}-partition topic, produced once per`,
    '  bench run: 20 stores, 200 skus, one hour of event time; 2 % re-sent ids (deduplicated), 1 % sales three minutes',
    '  behind their partition (dropped from the sales windows: one-minute windows, 10 s grace; still counted in stock).',
    '- Same topology in both: dedupe by id (window store id -> event time, one-day buckets, caching off), repartition by',
    '  sku (`<app>-items-by-sku-repartition`, JSON), item stock, store stock, store sales in one-minute windows; JSON',
    '  changelogs, Avro (registry ids looked up at start-up) on the public topics; one stream thread each.',
    `  Ours is the real app (\`apps/inventory-aggregator/src/main.ts\` at ${[...new Set(cells.map((c) => c.appRevision))].join(', ')}, in-memory stores, its only kind); Kafka Streams`,
    '  runs at its defaults (`max.poll.records` 1000 as Streams sets it, 10 MB cache, in-memory or RocksDB stores).',
    `- Fair to Java: each Kafka Streams run first processes ${fmt(cells[0]?.warmupRecords ?? 0)} warm-up records in the same JVM (another`,
    '  application.id), so the measured run starts with the JIT warm; ours starts cold. 1 GiB heap for Java.',
    '- Timed: from RUNNING (ours: `/health/ready` polled every 20 ms; Kafka Streams: its state listener) until the',
    "  group's committed offsets cover the input topic and the repartition topic (polled every 100 ms): every record",
    '  read, deduplicated, repartitioned, aggregated, its outputs written and its offsets committed.',
    '- Checked: after every run its output topics are read back (read_committed); final item stock, store stock and',
    "  every sales window must equal the other contenders', and item stock, store stock and per-store summed sales",
    `  must equal what the generated input implies (${expected.items.size} skus, ${expected.stores.size} stores). All runs below passed.`,
    '- One contender at a time on the same broker; the contenders of a cell run back to back, their order rotated',
    '  each round. Load: the 1-minute load average before → after each run, on 2 cores shared with other work.',
    '',
    "- CPU: user + system time of the contender's process (every thread: for Java also the producer's sender,",
    '  the JIT and the GC threads), read from `/proc/<pid>/stat` at RUNNING and at the end. Records per CPU-second',
    '  compares the work each engine spends per record; cores used (CPU seconds / wall seconds) shows how much of',
    '  the 2 cores each could put to work with one stream thread.',
    '',
    '| guarantee | commit ms | contender | records/s (median) | seconds (median) | spread (min–max) | records per CPU-second (median) | cores used (median) | runs | load per run |',
    '| --------- | --------: | --------- | -----------------: | ---------------: | ---------------- | ------------------------------: | ------------------: | ---: | ------------ |',
    ...rows,
    '',
    '| guarantee | commit ms | ours / Kafka Streams in-memory | ours / Kafka Streams RocksDB | measured (UTC) |',
    '| --------- | --------: | -----------------------------: | ---------------------------: | -------------- |',
    ...ratios,
    '',
    'Topology descriptions (both `describe()`, printed by the bench into',
    '`tools/bench/results/topology-descriptions.txt`): the same two sub-topologies, sources, stores and sinks;',
    `ours has ${(descriptions.ours.match(/Processor:/g) ?? []).length} processors, Kafka Streams ${(descriptions.kstreams.match(/Processor:/g) ?? []).length} (it adds a`,
    'repartition-filter node that drops null keys before the repartition sink).',
  ].join('\n');
}
