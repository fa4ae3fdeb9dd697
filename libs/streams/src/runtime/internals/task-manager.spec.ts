/**
 * The runtime's output path, without a broker: a fetched batch of any size
 * must leave in produce requests of bounded size, from a buffer of bounded
 * size. kafkajs 2.2.4 groups a request's messages per partition with an array
 * copy per message, so the grouping work of one request with m messages of a
 * topic is ~m^2/2; these tests count that work instead of timing anything.
 */
import type { Kafka, TopicMessages } from 'kafkajs';
import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder } from '../../index';
import { StreamsMetrics } from '../../telemetry/metrics';
import { resolveStreamsConfig } from '../streams-config';
import {
  MAX_BYTES_PER_TOPIC_PER_REQUEST,
  MAX_MESSAGES_PER_TOPIC_PER_REQUEST,
  OutputBuffer,
} from './output-buffer';
import { PartitionReader } from './partition-reader';
import { FetchedBatch, TaskHandle, TaskManager } from './task-manager';

const S = Serdes.String();
const APP = 'app';
const REPARTITION = `${APP}-by-key-repartition`;

function topology() {
  const builder = new StreamsBuilder();
  builder
    .stream('in', Consumed.with(S, S))
    .groupBy((key) => key, Grouped.with(S, S).withName('by-key'))
    .aggregate(
      () => 0,
      (_k, v, sum) => sum + Number(v),
      Materialized.as<string, number>('sums').withValueSerde(Serdes.Long()),
    )
    .toStream()
    .to('out', Produced.with(S, Serdes.Long()));
  return builder.build().subtopologies(APP);
}

/** Every produce request the runtime made, and the grouping work kafkajs would do for it. */
class RequestLog {
  readonly requests: TopicMessages[][] = [];

  record(topicMessages: TopicMessages[]): void {
    this.requests.push(topicMessages);
  }

  get largestPerTopic(): number {
    return Math.max(0, ...this.requests.flatMap((r) => r.map((t) => t.messages.length)));
  }

  /** Sum over requests and topics of m^2: what groupMessagesPerPartition copies (x2). */
  get groupingWork(): number {
    return this.requests.flat().reduce((sum, t) => sum + t.messages.length ** 2, 0);
  }

  sent(topic: string): Array<{ key: string; value: Buffer }> {
    return this.requests
      .flat()
      .filter((t) => t.topic === topic)
      .flatMap((t) => t.messages.map((m) => ({ key: String(m.key), value: m.value as Buffer })));
  }
}

function harness(guarantee: 'at_least_once' | 'exactly_once_v2', sharedBuffer = 1000) {
  const log = new RequestLog();
  const committedOffsets: unknown[] = [];
  const transactions = { committed: 0 };
  const purges: unknown[] = [];
  const kafka = {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      transaction: async () => ({
        sendBatch: async ({ topicMessages }: { topicMessages: TopicMessages[] }) => log.record(topicMessages),
        sendOffsets: async ({ topics }: { topics: unknown[] }) => void committedOffsets.push(...topics),
        commit: async () => void transactions.committed++,
        abort: async () => undefined,
      }),
    }),
  } as unknown as Kafka;
  const reader = {
    startOffset: async () => 0,
    endOffset: async () => 0,
    read: async () => 0,
  } as unknown as PartitionReader;
  const sharedOutput = guarantee === 'at_least_once' ? new OutputBuffer(sharedBuffer) : undefined;
  const manager = new TaskManager({
    kafka,
    config: resolveStreamsConfig({
      'application.id': APP,
      'bootstrap.servers': '127.0.0.1:9092',
      'processing.guarantee': guarantee,
      'commit.interval.ms': 100,
    }),
    subtopologies: topology(),
    admin: {
      fetchOffsets: async () => [],
      fetchTopicOffsets: async () => [],
      deleteTopicRecords: async (request: unknown) => void purges.push(request),
    } as never,
    reader,
    metrics: new StreamsMetrics(APP),
    consumer: () =>
      ({
        seek: () => undefined,
        commitOffsets: async (offsets: unknown[]) => void committedOffsets.push(...offsets),
      }) as never,
    producer:
      guarantee === 'at_least_once'
        ? ({
            sendBatch: async ({ topicMessages }: { topicMessages: TopicMessages[] }) =>
              log.record(topicMessages),
          } as never)
        : undefined,
    sharedOutput,
    requestCommit: () => undefined,
    onTaskStatus: () => undefined,
    onFatal: (err) => {
      throw err;
    },
  });
  const start = async (id: string): Promise<TaskHandle> => {
    await manager.assign(new Set([id]));
    const handle = manager.handles.get(id) as TaskHandle;
    expect(await handle.ready).toBe(true);
    return handle;
  };
  return { log, manager, start, sharedOutput, committedOffsets, transactions, purges };
}

/** One fetched batch of `n` records, as kafkajs hands it over (offsets from 0). */
function batch(
  topic: string,
  n: number,
  key: (i: number) => string,
  value: (i: number) => Buffer,
): FetchedBatch {
  return {
    topic,
    partition: 0,
    messages: Array.from({ length: n }, (_, i) => ({
      offset: String(i),
      key: Buffer.from(key(i)),
      value: value(i),
      timestamp: String(1_000 + i),
      headers: {},
    })),
  };
}

const control = (resolved: string[]) => ({
  resolveOffset: (o: string) => void resolved.push(o),
  isRunning: () => true,
  isStale: () => false,
});

const N = 50_000;
const inputBatch = () =>
  batch(
    'in',
    N,
    (i) => `k${i % 1000}`,
    (i) => Buffer.from(String(i % 7)),
  );

describe('OutputBuffer', () => {
  const record = (topic: string, i: number) => ({
    topic,
    key: Buffer.from(`k${i}`),
    value: Buffer.from(`v${i}`),
    timestamp: i,
    headers: {},
  });

  it('drains into requests of at most the cap per topic, in order, and empties', () => {
    const buffer = new OutputBuffer(10_000, undefined, 100);
    for (let i = 0; i < 250; i++) buffer.send(record('a', i));
    for (let i = 0; i < 30; i++) buffer.send({ ...record('b', i), partition: 1 });
    const requests = buffer.drain();
    expect(requests.map((r) => r.map((t) => `${t.topic}:${t.messages.length}`))).toEqual([
      ['a:100', 'b:30'],
      ['a:100'],
      ['a:50'],
    ]);
    const a = requests.flatMap((r) => r.filter((t) => t.topic === 'a').flatMap((t) => t.messages));
    expect(a.map((m) => String(m.key))).toEqual(Array.from({ length: 250 }, (_, i) => `k${i}`));
    expect(requests[0]?.[1]?.messages[0]).toMatchObject({ partition: 1, timestamp: '0' });
    expect(buffer.size).toBe(0);
    expect(buffer.drain()).toEqual([]);
  });

  it('caps a request by bytes too: 1000 dead letters with their headers once exceeded the broker max (1 MiB)', () => {
    const buffer = new OutputBuffer(10_000);
    const stack = 'x'.repeat(2_000); // an exception's stack trace, as KIP-1034 headers carry it
    for (let i = 0; i < 1000; i++) {
      buffer.send({ ...record('items.dlq', i), headers: { '__streams.errors.stacktrace': stack } });
    }
    const requests = buffer.drain();
    const sizes = requests.map((r) => r[0]!.messages.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
    for (const r of requests) {
      const bytes = r[0]!.messages.reduce(
        (n, m) => n + String(m.headers?.['__streams.errors.stacktrace']).length,
        0,
      );
      expect(bytes).toBeLessThanOrEqual(MAX_BYTES_PER_TOPIC_PER_REQUEST);
    }
    // One oversized message still goes, alone.
    buffer.send({ ...record('big', 0), value: Buffer.alloc(2 * MAX_BYTES_PER_TOPIC_PER_REQUEST) });
    buffer.send(record('big', 1));
    expect(buffer.drain().map((r) => r.map((t) => `${t.topic}:${t.messages.length}`))).toEqual([
      ['big:1'],
      ['big:1'],
    ]);
  });

  it('drains "last" topics (a dedupe changelog) in requests after all the others', () => {
    const buffer = new OutputBuffer(10_000, undefined, 2, undefined, new Set(['ids-changelog']));
    for (let i = 0; i < 3; i++) buffer.send(record('ids-changelog', i)); // buffered first ...
    for (let i = 0; i < 3; i++) buffer.send(record('out', i));
    // ... sent last, so a send that fails part-way never leaves an id remembered without its effect.
    expect(buffer.drain().map((r) => r.map((t) => `${t.topic}:${t.messages.length}`))).toEqual([
      ['out:2'],
      ['out:1'],
      ['ids-changelog:2'],
      ['ids-changelog:1'],
    ]);
  });

  it('reports full at maxRecords and remembers its high-water mark', () => {
    let signalled = 0;
    const buffer = new OutputBuffer(3, () => signalled++);
    for (let i = 0; i < 3; i++) buffer.send(record('a', i));
    expect(buffer.full).toBe(true);
    expect(signalled).toBe(1);
    buffer.drain();
    expect(buffer.full).toBe(false);
    buffer.send(record('a', 9));
    expect(buffer.highWaterMark).toBe(3);
  });
});

describe('TaskManager output path (regression: O(n^2) in the size of a fetched batch)', () => {
  it('at_least_once: a 50k-record batch leaves in capped requests from a bounded buffer', async () => {
    const { log, manager, start, sharedOutput, committedOffsets } = harness('at_least_once', 1000);
    const handle = await start('0_0');
    const resolved: string[] = [];
    await manager.processBatch(handle, inputBatch(), control(resolved));
    await manager.commitAll();

    // Offsets are resolved up to the last record, once per flush rather than once per record.
    expect(resolved.at(-1)).toBe(String(N - 1));
    expect(resolved.length).toBeLessThanOrEqual(N / 1000 + 1);
    const repartitioned = log.sent(REPARTITION);
    expect(repartitioned).toHaveLength(N);
    expect(repartitioned[N - 1]?.key).toBe(`k${(N - 1) % 1000}`);
    // The buffer was sent as it filled, not once per fetched batch...
    expect(sharedOutput?.highWaterMark).toBeLessThanOrEqual(1000);
    // ...in requests kafkajs groups in bounded work: linear in N, not ~N^2/2 (1.25e9 before the fix).
    expect(log.largestPerTopic).toBeLessThanOrEqual(MAX_MESSAGES_PER_TOPIC_PER_REQUEST);
    expect(log.groupingWork).toBeLessThanOrEqual(N * MAX_MESSAGES_PER_TOPIC_PER_REQUEST);
    // The partition time (the batch's last timestamp) rides along as metadata.
    expect(committedOffsets).toEqual([
      { topic: 'in', partition: 0, offset: String(N), metadata: `eda-streams/1 pt=${N + 999}` },
    ]);
  });

  it('at_least_once: aggregation output stays bounded too (cache collapses per key, requests capped)', async () => {
    const { log, manager, start, purges } = harness('at_least_once', 1000);
    const handle = await start('1_0');
    const values = batch(
      REPARTITION,
      N,
      (i) => `k${i % 5000}`,
      () => Buffer.from('1'),
    );
    await manager.processBatch(handle, values, control([]));
    await manager.commitAll();
    expect(log.largestPerTopic).toBeLessThanOrEqual(MAX_MESSAGES_PER_TOPIC_PER_REQUEST);
    const latest = new Map(log.sent('out').map((r) => [r.key, Serdes.Long().deserialize(r.value, 'out')]));
    expect(latest.size).toBe(5000);
    expect(latest.get('k0')).toBe(N / 5000);
    // The commit purges the consumed repartition records (once: the interval is 30 s).
    await manager.purger.idle();
    expect(purges).toEqual([{ topic: REPARTITION, partitions: [{ partition: 0, offset: String(N) }] }]);
  });

  it('exactly_once_v2: a full task buffer commits a transaction mid-batch; requests stay capped', async () => {
    const { log, manager, start, transactions, committedOffsets } = harness('exactly_once_v2');
    const handle = await start('0_0');
    await manager.processBatch(handle, inputBatch(), control([]));
    const midBatch = transactions.committed;
    await manager.commitAll();

    expect(log.sent(REPARTITION)).toHaveLength(N);
    // 10,000-record task buffers: four transactions inside the batch, the rest at commit.
    expect(midBatch).toBeGreaterThanOrEqual(4);
    expect(handle.output?.highWaterMark).toBeLessThanOrEqual(10_000);
    expect(log.largestPerTopic).toBeLessThanOrEqual(MAX_MESSAGES_PER_TOPIC_PER_REQUEST);
    expect(log.groupingWork).toBeLessThanOrEqual(N * MAX_MESSAGES_PER_TOPIC_PER_REQUEST);
    // Each transaction carried the offsets it covered; the last one the end of the batch.
    expect(committedOffsets.at(-1)).toEqual({
      topic: 'in',
      partitions: [{ partition: 0, offset: String(N), metadata: `eda-streams/1 pt=${N + 999}` }],
    });
  });
});
