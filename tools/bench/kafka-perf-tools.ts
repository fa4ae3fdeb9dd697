/**
 * Runs Kafka's own performance tools (kafka-producer-perf-test and
 * kafka-consumer-perf-test, i.e. ProducerPerformance and ConsumerPerformance
 * from kafka-tools) on the native stack's classpath, and parses their results.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const STACK_SH = join(__dirname, '..', 'stack', 'stack.sh');

function kafkaClasspath(): string {
  return execFileSync('bash', [STACK_SH, 'classpath'], { encoding: 'utf8' }).trim();
}

function runJava(mainClass: string, args: string[]): string {
  return execFileSync('java', ['-Xmx512m', '-cp', kafkaClasspath(), mainClass, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A throughput over a whole run and in steady state (the median of its reporting windows, the first left out). */
export interface PerfFigures {
  /** Records per second over the whole run, as the tool's summary says. */
  readonly whole: number;
  /** Median records per second of the reporting windows after the first (JIT, connection, join). */
  readonly steady: number;
  /** Every window's records per second, in order. */
  readonly windows: readonly number[];
}

/** The median of `windows` without the first (warm-up); NaN when there is no other. */
export function steadyState(windows: readonly number[]): number {
  const xs = windows.slice(1).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const m = Math.floor(xs.length / 2);
  return xs.length % 2 ? (xs[m] as number) : ((xs[m - 1] as number) + (xs[m] as number)) / 2;
}

/**
 * kafka-producer-perf-test: its summary (whole run) and its steady state: the
 * records sent after its first 5-second window over the time after it (the
 * tool prints a window only every 5 s, too few here for a median).
 */
export function producerPerfTest(opts: {
  bootstrap: string;
  topic: string;
  records: number;
  recordSize: number;
}): PerfFigures {
  const out = runJava('org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    opts.topic,
    '--num-records',
    String(opts.records),
    '--record-size',
    String(opts.recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${opts.bootstrap}`,
    'acks=all',
    'enable.idempotence=true',
    'linger.ms=5',
    'batch.size=65536',
  ]);
  // Every 5 s: "N records sent, X records/sec (Y MB/sec), ... max latency."; last: the same with percentiles.
  const lines = out
    .trim()
    .split('\n')
    .filter((l) => l.includes('records sent'));
  const rate = (l: string) => Number(l.match(/records sent, ([\d.]+) records\/sec/)?.[1]);
  const count = (l: string) => Number(l.match(/(\d+) records sent/)?.[1]);
  const summary = lines.pop();
  if (!summary || !Number.isFinite(rate(summary)))
    throw new Error(`unexpected kafka-producer-perf-test output:\n${out}`);
  const windows = lines.map(rate);
  const first = lines[0];
  const steady = first
    ? (count(summary) - count(first)) / (count(summary) / rate(summary) - count(first) / rate(first))
    : NaN;
  return { whole: rate(summary), steady, windows };
}

/**
 * kafka-consumer-perf-test, run twice in fresh groups: once plain for its
 * summary's fetch.nMsg.sec (the whole run while fetching, group join
 * excluded), once with `--show-detailed-stats` for its steady state, the
 * median of its `windowMs` windows without the first (join, first fetches).
 * The tool prints no partial last window, so none is dropped.
 */
export function consumerPerfTest(opts: {
  bootstrap: string;
  topic: string;
  records: number;
  windowMs?: number;
}): PerfFigures {
  const base = [
    '--bootstrap-server',
    opts.bootstrap,
    '--topic',
    opts.topic,
    '--messages',
    String(opts.records),
    '--timeout',
    '60000',
  ];
  // Summary CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  //              rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const summary = runJava('org.apache.kafka.tools.ConsumerPerformance', base);
  const whole = Number(
    summary
      .trim()
      .split('\n')
      .pop()
      ?.split(',')
      .map((f) => f.trim())[9],
  );
  const detailed = runJava('org.apache.kafka.tools.ConsumerPerformance', [
    ...base,
    '--show-detailed-stats',
    '--reporting-interval',
    String(opts.windowMs ?? 500),
  ]);
  // One row per window: time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  //                     rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec (this window's).
  const windows = detailed
    .trim()
    .split('\n')
    .filter((l) => /^\d{4}-/.test(l))
    .map((l) => Number(l.split(',')[9]?.trim()));
  if (!Number.isFinite(whole) || windows.length === 0 || windows.some((w) => !Number.isFinite(w)))
    throw new Error(`unexpected kafka-consumer-perf-test output:\n${summary}\n${detailed}`);
  return { whole, steady: steadyState(windows), windows };
}
