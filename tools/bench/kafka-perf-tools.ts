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

/** Records per second that kafka-producer-perf-test reports for its whole run. */
export function producerPerfTest(opts: {
  bootstrap: string;
  topic: string;
  records: number;
  recordSize: number;
}): number {
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
  // Final line: "N records sent, X records/sec (Y MB/sec), ..."
  const summary = out
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.includes('records sent'));
  const match = summary?.match(/records sent, ([\d.]+) records\/sec/);
  if (!match) throw new Error(`unexpected kafka-producer-perf-test output:\n${out}`);
  return Number(match[1]);
}

/** Records per second that kafka-consumer-perf-test reports while fetching (fetch.nMsg.sec, join excluded). */
export function consumerPerfTest(opts: { bootstrap: string; topic: string; records: number }): number {
  const out = runJava('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server',
    opts.bootstrap,
    '--topic',
    opts.topic,
    '--messages',
    String(opts.records),
    '--timeout',
    '60000',
  ]);
  // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  //      rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const row = out.trim().split('\n').pop() ?? '';
  const fields = row.split(',').map((f) => f.trim());
  const rate = Number(fields[9]);
  if (!Number.isFinite(rate)) throw new Error(`unexpected kafka-consumer-perf-test output:\n${out}`);
  return rate;
}
