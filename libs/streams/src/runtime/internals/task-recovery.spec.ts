/**
 * Recovery from errors during commit, without a broker: a fake cluster keeps
 * read_committed topic contents and group offsets, and faults are injected
 * into the producers the runtime creates. Regression for "Transaction
 * inventory-aggregator-1_4: illegal transition FAILED -> IN_TRANSACTION"
 * after a broker restart: retriable errors must revive the task (new
 * producer, stores re-restored, inputs rewound), fatal ones must fail the
 * instance once, with the original error.
 */
import {
  Kafka,
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  TopicMessages,
} from 'kafkajs';
import { Consumed, Deduplicated, Grouped, Materialized, Produced, Serdes, StreamsBuilder } from '../../index';
import { StreamsFatalError, TaskMigratedError } from '../../errors';
import { StreamsMetrics } from '../../telemetry/metrics';
import { resolveStreamsConfig } from '../streams-config';
import { OutputBuffer } from './output-buffer';
import { PartitionReader } from './partition-reader';
import { FetchedBatch, TaskHandle, TaskManager, TaskManagerDeps } from './task-manager';
import { classifyError, TaskTransaction } from './task-transaction';

const S = Serdes.String();
const L = Serdes.Long();
const APP = 'app';
const REPARTITION = `${APP}-by-key-repartition`;
const CHANGELOG = `${APP}-sums-changelog`;
const TASK = '1_0';

function topology() {
  const builder = new StreamsBuilder();
  builder
    .stream('in', Consumed.with(S, S))
    .groupBy((key) => key, Grouped.with(S, S).withName('by-key'))
    .aggregate(
      () => 0,
      (_k, v, sum) => sum + Number(v),
      Materialized.as<string, number>('sums').withValueSerde(L),
    )
    .toStream()
    .to('out', Produced.with(S, L));
  return builder.build().subtopologies(APP);
}

/** A broker outage as kafkajs reports it once its own retries run out. */
const outage = () =>
  new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'), {
    retryCount: 5,
    retryTime: 3000,
  });
const protocolError = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError({ message: type, type, code: 0, retriable } as never);

type Step = 'connect' | 'sendBatch' | 'sendOffsets' | 'commit' | 'abort';
type Record_ = { key: string; value: Buffer | null };

/** Single-partition topics as a read_committed consumer sees them, group offsets, and injected faults. */
class FakeCluster {
  readonly logs = new Map<string, Record_[]>();
  readonly offsets = new Map<string, number>();
  /** Committed offset metadata per topic (the partition time the task wrote beside its offset). */
  readonly offsetMetadata = new Map<string, string | null>();
  readonly seeks: Array<{ topic: string; offset: string }> = [];
  readonly faults: Array<{ step: Step; error: Error }> = [];
  producersCreated = 0;

  log(topic: string): Record_[] {
    let log = this.logs.get(topic);
    if (!log) this.logs.set(topic, (log = []));
    return log;
  }

  /** Throws the next fault if it is for `step`. */
  maybeFail(step: Step): void {
    if (this.faults[0]?.step === step) throw (this.faults.shift() as { error: Error }).error;
  }

  append(topicMessages: TopicMessages[], into: Array<[string, Record_]>): void {
    for (const t of topicMessages)
      for (const m of t.messages)
        into.push([t.topic, { key: String(m.key), value: m.value as Buffer | null }]);
  }

  kafka(): Kafka {
    return {
      producer: () => {
        this.producersCreated++;
        return {
          connect: async () => this.maybeFail('connect'),
          disconnect: async () => undefined,
          sendBatch: async ({ topicMessages }: { topicMessages: TopicMessages[] }) => {
            this.maybeFail('sendBatch');
            const sent: Array<[string, Record_]> = [];
            this.append(topicMessages, sent);
            for (const [topic, r] of sent) this.log(topic).push(r);
          },
          transaction: async () => {
            const pending: Array<[string, Record_]> = [];
            const pendingOffsets: Array<{
              topic: string;
              partitions: Array<{ offset: string; metadata?: string | null }>;
            }> = [];
            return {
              sendBatch: async ({ topicMessages }: { topicMessages: TopicMessages[] }) => {
                this.maybeFail('sendBatch');
                this.append(topicMessages, pending);
              },
              sendOffsets: async ({ topics }: { topics: typeof pendingOffsets }) => {
                this.maybeFail('sendOffsets');
                pendingOffsets.push(...topics);
              },
              commit: async () => {
                this.maybeFail('commit');
                for (const [topic, r] of pending) this.log(topic).push(r);
                for (const t of pendingOffsets) {
                  this.offsets.set(t.topic, Number(t.partitions[0]?.offset));
                  this.offsetMetadata.set(t.topic, t.partitions[0]?.metadata ?? null);
                }
              },
              abort: async () => this.maybeFail('abort'),
            };
          },
        };
      },
    } as unknown as Kafka;
  }

  /** Latest committed value per key of a topic with Long values. */
  latest(topic: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.log(topic)) out[r.key] = L.deserialize(r.value as Buffer, topic) as number;
    return out;
  }
}

function harness(
  guarantee: 'at_least_once' | 'exactly_once_v2',
  cluster = new FakeCluster(),
  extra: Partial<TaskManagerDeps> = {},
) {
  const kafka = cluster.kafka();
  const fatal: unknown[] = [];
  const reader = {
    startOffset: async () => 0,
    endOffset: async (topic: string) => cluster.log(topic).length,
    read: async (topic: string, _p: number, from: number, to: number, onBatch: (r: unknown[]) => void) => {
      const records = cluster
        .log(topic)
        .slice(from, to)
        .map((r) => ({ key: Buffer.from(r.key), value: r.value }));
      onBatch(records);
      return records.length;
    },
  } as unknown as PartitionReader;
  const eos = guarantee === 'exactly_once_v2';
  const metrics = new StreamsMetrics(APP);
  const manager = new TaskManager({
    kafka,
    config: resolveStreamsConfig({
      'application.id': APP,
      'bootstrap.servers': '127.0.0.1:9092',
      'processing.guarantee': guarantee,
    }),
    subtopologies: topology(),
    admin: {
      fetchOffsets: async ({ topics }: { topics: string[] }) =>
        topics.map((topic) => ({
          topic,
          partitions: [
            {
              partition: 0,
              offset: String(cluster.offsets.get(topic) ?? -1),
              metadata: cluster.offsetMetadata.get(topic) ?? null,
            },
          ],
        })),
      deleteTopicRecords: async () => undefined,
    } as never,
    reader,
    metrics,
    consumer: () =>
      ({
        seek: ({ topic, offset }: { topic: string; offset: string }) =>
          void cluster.seeks.push({ topic, offset }),
        commitOffsets: async (
          offsets: Array<{ topic: string; offset: string; metadata?: string | null }>,
        ) => {
          for (const o of offsets) {
            cluster.offsets.set(o.topic, Number(o.offset));
            cluster.offsetMetadata.set(o.topic, o.metadata ?? null);
          }
        },
      }) as never,
    producer: eos ? undefined : (kafka.producer() as never),
    sharedOutput: eos ? undefined : new OutputBuffer(10_000),
    requestCommit: () => undefined,
    onTaskStatus: () => undefined,
    onFatal: (err) => void fatal.push(err),
    ...extra,
  });
  /** The task's current handle once ready (a revived task has a new one). */
  const current = async (): Promise<TaskHandle> => {
    const handle = manager.handles.get(TASK) as TaskHandle;
    expect(await handle.ready).toBe(true);
    return handle;
  };
  /** Processes input offsets [from, to) of the repartition topic: key k<i % 3>, value 1 (null at `nullAt`). */
  const process = async (handle: TaskHandle, from: number, to: number, nullAt = -1) => {
    const batch: FetchedBatch = {
      topic: REPARTITION,
      partition: 0,
      messages: Array.from({ length: to - from }, (_, i) => ({
        offset: String(from + i),
        key: Buffer.from(`k${(from + i) % 3}`),
        value: from + i === nullAt ? null : Buffer.from('1'),
        timestamp: String(1_000 + from + i),
        headers: {},
      })),
    };
    await manager.processBatch(handle, batch, {
      resolveOffset: () => undefined,
      isRunning: () => true,
      isStale: () => false,
    });
  };
  const sums = (handle: TaskHandle) => {
    const store = handle.task.stores.get('sums') as unknown as { get(k: string): number | undefined };
    return { k0: store.get('k0'), k1: store.get('k1'), k2: store.get('k2') };
  };
  return { cluster, manager, fatal, current, process, sums, metrics };
}

describe('classifyError', () => {
  it('fencing migrates the task, a broker outage is retriable, anything else is fatal', () => {
    expect(classifyError(protocolError('PRODUCER_FENCED', false))).toBe('fenced');
    expect(classifyError(protocolError('INVALID_PRODUCER_EPOCH', false))).toBe('fenced');
    expect(classifyError(outage())).toBe('retriable');
    expect(classifyError(new KafkaJSConnectionError('down'))).toBe('retriable');
    expect(classifyError(protocolError('NOT_COORDINATOR', true))).toBe('retriable');
    expect(classifyError(protocolError('COORDINATOR_NOT_AVAILABLE', true))).toBe('retriable');
    expect(classifyError(protocolError('REQUEST_TIMED_OUT', true))).toBe('retriable');
    expect(classifyError(protocolError('TOPIC_AUTHORIZATION_FAILED', false))).toBe('fatal');
    expect(classifyError(new TypeError('bug'))).toBe('fatal');
    // An idempotent producer's lost sequence state (after a broker restart): retriable with a new producer.
    expect(classifyError(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', false))).toBe('retriable');
    expect(classifyError(protocolError('UNKNOWN_PRODUCER_ID', false))).toBe('retriable');
  });
});

describe('TaskTransaction state machine', () => {
  it('ends CORRUPTED (never reused) after a retriable commit failure, FAILED after a fatal one', async () => {
    const cluster = new FakeCluster();
    const txn = new TaskTransaction(cluster.kafka().producer(), 't', APP);
    await txn.initialize();
    cluster.faults.push({ step: 'commit', error: outage() });
    await expect(
      txn.commit([], [{ topic: 'in', partitions: [{ partition: 0, offset: '1' }] }]),
    ).rejects.toMatchObject({
      code: 'STREAMS_TASK_CORRUPTED',
    });
    expect(txn.state).toBe('CORRUPTED');
    // The old bug: a failed transaction was committed again (FAILED -> IN_TRANSACTION).
    await expect(
      txn.commit([], [{ topic: 'in', partitions: [{ partition: 0, offset: '2' }] }]),
    ).rejects.toThrow(/illegal transition CORRUPTED -> IN_TRANSACTION/);

    const fatalTxn = new TaskTransaction(cluster.kafka().producer(), 't', APP);
    await fatalTxn.initialize();
    cluster.faults.push({ step: 'sendBatch', error: protocolError('TOPIC_AUTHORIZATION_FAILED', false) });
    await expect(
      fatalTxn.commit([[{ topic: 'out', messages: [{ key: 'a', value: 'b' }] }]], []),
    ).rejects.toBeInstanceOf(StreamsFatalError);
    expect(fatalTxn.state).toBe('FAILED');

    const fenced = new TaskTransaction(cluster.kafka().producer(), 't', APP);
    await fenced.initialize();
    cluster.faults.push({ step: 'commit', error: protocolError('PRODUCER_FENCED', false) });
    await expect(
      fenced.commit([], [{ topic: 'in', partitions: [{ partition: 0, offset: '1' }] }]),
    ).rejects.toBeInstanceOf(TaskMigratedError);
    expect(fenced.state).toBe('FENCED');
  });
});

describe('TaskManager recovery from commit failures', () => {
  /** The committed output of a run without faults: 12 records, then 12 more, committed twice. */
  async function referenceRun() {
    const { cluster, manager, current, process } = harness('exactly_once_v2');
    await manager.assign(new Set([TASK]));
    await process(await current(), 0, 12);
    await manager.commitAll();
    await process(await current(), 12, 24);
    await manager.commitAll();
    return cluster;
  }

  it('exactly_once_v2: a broker outage during commit revives the task and the committed output stays exact', async () => {
    const reference = await referenceRun();
    const { cluster, manager, fatal, current, process, sums, metrics } = harness('exactly_once_v2');
    await manager.assign(new Set([TASK]));
    const first = await current();
    await process(first, 0, 12);
    await manager.commitAll();
    expect(cluster.offsets.get(REPARTITION)).toBe(12);

    await process(first, 12, 25, 24); // offset 24: a null value, dropped by the aggregation
    expect(sums(first)).toEqual({ k0: 8, k1: 8, k2: 8 });
    // The broker goes away during the commit: EndTxn fails, and so does the abort (the old bug's path:
    // FAILED, instance ERROR, then the shutdown's commit hit "illegal transition FAILED -> IN_TRANSACTION").
    cluster.faults.push({ step: 'commit', error: outage() }, { step: 'abort', error: outage() });
    await manager.commitAll(); // does not throw: the task is revived

    expect(fatal).toEqual([]);
    expect(metrics.snapshot()['streams.commit.failures']).toBe(1);
    expect(first.closed).toBe(true);
    expect(first.txn?.state).toBe('CLOSED');
    const revived = await current();
    expect(revived).not.toBe(first);
    expect(revived.txn?.state).toBe('READY');
    expect(cluster.producersCreated).toBe(2); // a new producer: InitProducerId aborts what was left open
    // The store was re-restored from the changelog: the aborted transaction's updates are gone.
    expect(sums(revived)).toEqual({ k0: 4, k1: 4, k2: 4 });
    // Input was rewound to the committed offset.
    expect(cluster.seeks.at(-1)).toEqual({ topic: REPARTITION, offset: '12' });
    expect(manager.allRunning).toBe(true);

    // The consumer re-delivers from offset 12; the committed output equals the fault-free run's.
    await process(revived, 12, 25, 24);
    await manager.commitAll();
    expect(fatal).toEqual([]);
    expect(cluster.log('out')).toEqual(reference.log('out'));
    expect(cluster.log(CHANGELOG)).toEqual(reference.log(CHANGELOG));
    expect(cluster.latest('out')).toEqual({ k0: 8, k1: 8, k2: 8 });
    expect(cluster.offsets.get(REPARTITION)).toBe(25);
    // Drop counts follow the transactions: the aborted attempt's drop is not counted twice.
    expect(metrics.snapshot()['streams.records.dropped']).toBe(1);
  });

  it.each(['exactly_once_v2', 'at_least_once'] as const)(
    '%s: a revived task resumes with the stream time of its last commit, not -1 nor a later one',
    async (guarantee) => {
      const { cluster, manager, fatal, current, process } = harness(guarantee);
      await manager.assign(new Set([TASK]));
      const first = await current();
      await process(first, 0, 12); // timestamps 1000..1011
      await manager.commitAll();
      expect(cluster.offsetMetadata.get(REPARTITION)).toBe('eda-streams/1 pt=1011');
      await process(first, 12, 20); // up to 1019, never committed
      expect(first.task.streamTime()).toBe(1019);

      // The next commit fails (EOS: EndTxn and the abort; at-least-once: the output send).
      if (guarantee === 'exactly_once_v2') {
        cluster.faults.push({ step: 'commit', error: outage() }, { step: 'abort', error: outage() });
      } else {
        cluster.faults.push({ step: 'sendBatch', error: outage() });
      }
      await manager.commitAll();
      const revived = await current();
      expect(revived).not.toBe(first);
      expect(fatal).toEqual([]);
      // Kafka Streams keeps partition time in the commit's metadata (KAFKA-7994): a window closed before
      // the last commit stays closed after a restart, and one closed only by uncommitted work reopens.
      expect(revived.task.streamTime()).toBe(1011);
    },
  );

  it('exactly_once_v2: a revive that meets the broker still down retries with backoff until it is back', async () => {
    const { cluster, manager, fatal, current, process, sums } = harness('exactly_once_v2');
    await manager.assign(new Set([TASK]));
    await process(await current(), 0, 6);
    await manager.commitAll();
    await process(await current(), 6, 9);
    // The commit fails, and so does the new producer's InitProducerId (connect).
    cluster.faults.push({ step: 'sendBatch', error: outage() }, { step: 'connect', error: outage() });
    await manager.commitAll();
    const waiting = manager.handles.get(TASK) as TaskHandle;
    expect(await waiting.ready).toBe(false);
    expect(waiting.revive).toMatchObject({ attempt: 0 });
    expect(fatal).toEqual([]);
    expect(manager.allRunning).toBe(false); // not ready (REBALANCING) while the task is down, not ERROR

    await manager.reviveDue(Date.now()); // backoff not over yet: nothing happens
    expect(manager.handles.get(TASK)).toBe(waiting);
    await manager.reviveDue(Date.now() + 60_000);
    const revived = await current();
    expect(revived).not.toBe(waiting);
    expect(sums(revived)).toEqual({ k0: 2, k1: 2, k2: 2 });
    expect(cluster.seeks.at(-1)).toEqual({ topic: REPARTITION, offset: '6' });
    expect(manager.allRunning).toBe(true);
    expect(fatal).toEqual([]);
  });

  describe('a task revived while kafkajs restarts its crashed consumer (no consumer group: seek throws)', () => {
    /**
     * Commits at 12, processes to 18, then the consumer crashes (kafkajs will restart it) and the
     * commit fails: the task is revived before the consumer is back. `inGroup` is what the thread
     * reports meanwhile (false after a crash; true would mean the seek failed for another reason).
     */
    async function reviveDuringRestart(inGroup: boolean) {
      const cluster = new FakeCluster();
      const refusedSeeks: string[] = [];
      let consumerDown = false;
      const h = harness('exactly_once_v2', cluster, {
        consumer: () =>
          ({
            seek: ({ topic, offset }: { topic: string; offset: string }) => {
              if (!consumerDown) return void cluster.seeks.push({ topic, offset });
              refusedSeeks.push(offset); // kafkajs between a crash and its restart:
              throw new KafkaJSNonRetriableError(
                'Consumer group was not initialized, consumer#run must be called first',
              );
            },
          }) as never,
        inGroup: () => !consumerDown || inGroup,
      });
      await h.manager.assign(new Set([TASK]));
      await h.process(await h.current(), 0, 12);
      await h.manager.commitAll();
      await h.process(await h.current(), 12, 18);
      consumerDown = true;
      cluster.faults.push({ step: 'commit', error: outage() }, { step: 'abort', error: outage() });
      await h.manager.commitAll();
      const revived = h.manager.handles.get(TASK) as TaskHandle;
      return { ...h, revived, ready: await revived.ready, refusedSeeks };
    }

    it('out of the group: the revive goes on, positioned at the committed offset, and the output stays exact', async () => {
      const { revived, ready, refusedSeeks, fatal, manager, process, cluster, sums } =
        await reviveDuringRestart(false);
      expect(refusedSeeks).toEqual(['12']); // tried, and kafkajs refused it
      expect(fatal).toEqual([]);
      expect(ready).toBe(true);
      expect(revived.positions.get(REPARTITION)).toBe(12);
      expect(sums(revived)).toEqual({ k0: 4, k1: 4, k2: 4 }); // re-restored: the aborted updates are gone
      // The restarted consumer fetches from the committed offset 12.
      await process(revived, 12, 24);
      await manager.commitAll();
      expect(fatal).toEqual([]);
      expect(cluster.latest('out')).toEqual({ k0: 8, k1: 8, k2: 8 });
      expect(cluster.offsets.get(REPARTITION)).toBe(24);
    });

    it('in the group, a failed seek still fails the instance', async () => {
      const { ready, fatal } = await reviveDuringRestart(true);
      expect(ready).toBe(false);
      expect(fatal).toHaveLength(1);
      expect(String(fatal[0])).toContain('Consumer group was not initialized');
    });
  });

  it('exactly_once_v2: a fatal error still fails the instance, once, and the failed producer is never reused', async () => {
    const { cluster, manager, fatal, current, process } = harness('exactly_once_v2');
    await manager.assign(new Set([TASK]));
    const handle = await current();
    await process(handle, 0, 3);
    cluster.faults.push({ step: 'sendBatch', error: protocolError('TOPIC_AUTHORIZATION_FAILED', false) });
    await expect(manager.commitAll()).rejects.toBeInstanceOf(StreamsFatalError);
    expect(handle.txn?.state).toBe('CLOSED');
    expect(handle.closed).toBe(true);
    expect(manager.handles.has(TASK)).toBe(false);
    // The shutdown that follows commits what is left: no "illegal transition FAILED -> IN_TRANSACTION".
    await expect(manager.closeAll()).resolves.toBeUndefined();
    expect(cluster.log('out')).toEqual([]);
    expect(cluster.offsets.has(REPARTITION)).toBe(false);
    expect(fatal).toEqual([]);
  });

  it('exactly_once_v2: a task failing retriably for longer than task.timeout.ms fails the instance', async () => {
    const { cluster, manager, current, process } = harness('exactly_once_v2');
    await manager.assign(new Set([TASK]));
    const handle = await current();
    await process(handle, 0, 3);
    handle.failingSince = Date.now() - 300_001; // revived again and again, no commit for 5 minutes
    cluster.faults.push({ step: 'commit', error: outage() });
    await expect(manager.commitAll()).rejects.toThrow(/kept failing for 300000 ms \(task.timeout.ms\)/);
    expect(manager.handles.has(TASK)).toBe(false);
  });

  it('exactly_once_v2: a fatal error during (re-)initialisation goes to onFatal', async () => {
    const { cluster, manager, fatal } = harness('exactly_once_v2');
    cluster.faults.push({
      step: 'connect',
      error: protocolError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', false),
    });
    await manager.assign(new Set([TASK]));
    expect(await (manager.handles.get(TASK) as TaskHandle).ready).toBe(false);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toBeInstanceOf(StreamsFatalError);
  });

  it('at_least_once: a retriable send failure rewinds to the committed offsets and reprocesses', async () => {
    const { cluster, manager, fatal, current, process, sums, metrics } = harness('at_least_once');
    await manager.assign(new Set([TASK]));
    const first = await current();
    await process(first, 0, 6);
    await manager.commitAll();
    expect(cluster.offsets.get(REPARTITION)).toBe(6);
    expect(metrics.snapshot()['streams.commit.failures']).toBe(0);

    await process(first, 6, 12);
    cluster.faults.push({ step: 'sendBatch', error: protocolError('NOT_LEADER_OR_FOLLOWER', true) });
    await manager.commitAll();
    expect(fatal).toEqual([]);
    expect(metrics.snapshot()['streams.commit.failures']).toBe(1);
    expect(first.closed).toBe(true);
    expect(cluster.offsets.get(REPARTITION)).toBe(6); // offsets were not committed past lost output
    const revived = await current();
    expect(sums(revived)).toEqual({ k0: 2, k1: 2, k2: 2 });
    expect(cluster.seeks.at(-1)).toEqual({ topic: REPARTITION, offset: '6' });

    await process(revived, 6, 12);
    await manager.commitAll();
    expect(cluster.latest('out')).toEqual({ k0: 4, k1: 4, k2: 4 });
    expect(cluster.offsets.get(REPARTITION)).toBe(12);
  });

  it('at_least_once: an out-of-order sequence (broker restarted) replaces the producer and reprocesses', async () => {
    const cluster = new FakeCluster();
    const replaced: unknown[] = [];
    const { manager, fatal, current, process } = harness('at_least_once', cluster, {
      replaceProducer: async () => {
        const producer = cluster.kafka().producer();
        replaced.push(producer);
        return producer as never;
      },
    });
    await manager.assign(new Set([TASK]));
    await process(await current(), 0, 6);
    await manager.commitAll();
    await process(await current(), 6, 12);
    cluster.faults.push({ step: 'sendBatch', error: protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', false) });
    await manager.commitAll();
    expect(fatal).toEqual([]); // it used to stop the instance: "The broker received an out of order sequence number"
    expect(replaced).toHaveLength(1);
    const revived = await current();
    await process(revived, 6, 12);
    await manager.commitAll();
    expect(cluster.latest('out')).toEqual({ k0: 4, k1: 4, k2: 4 });
    expect(cluster.offsets.get(REPARTITION)).toBe(12);
  });

  it('at_least_once: a send failure after mid-batch flushes loses nothing behind a dedupe store (regression)', async () => {
    // in -> dedupe by value -> count per key (cached) -> out. The dedupe store logs each id at once (sent
    // last in every flush); the counts sit in the cache until a flush. With a 4-record shared buffer the
    // 13-record batch below fills it three times mid-batch. Those sends once went out without flushing the caches:
    // the ids became durable, the counts did not, and after the failure below the replay dropped the first 12
    // records as duplicates (CI, broker kill: a sales window 751 units short of 5,715).
    const builder = new StreamsBuilder();
    builder
      .stream('in', Consumed.with(S, S))
      .deduplicate((_k, id) => id, Deduplicated.as<string>('ids').withIdSerde(S).withWindowMs(60_000))
      .groupByKey(Grouped.with(S, S))
      .aggregate(
        () => 0,
        (_k, _v, n) => n + 1,
        Materialized.as<string, number>('counts').withValueSerde(L),
      )
      .toStream()
      .to('out', Produced.with(S, L));
    const { cluster, manager, fatal } = harness('at_least_once', new FakeCluster(), {
      subtopologies: builder.build().subtopologies(APP),
      sharedOutput: new OutputBuffer(
        4,
        () => undefined,
        undefined,
        undefined,
        new Set([`${APP}-ids-changelog`]),
      ),
    });
    const ready = async () => {
      const handle = manager.handles.get('0_0') as TaskHandle;
      expect(await handle.ready).toBe(true);
      return handle;
    };
    const run = async (handle: TaskHandle) =>
      manager.processBatch(
        handle,
        {
          topic: 'in',
          partition: 0,
          messages: Array.from({ length: 13 }, (_, i) => ({
            offset: String(i),
            key: Buffer.from(`k${i % 3}`),
            value: Buffer.from(`id-${i}`),
            timestamp: String(1_000 + i),
            headers: {},
          })),
        },
        { resolveOffset: () => undefined, isRunning: () => true, isStale: () => false },
      );
    await manager.assign(new Set(['0_0']));
    const first = await ready();
    await run(first);
    expect(cluster.log(`${APP}-ids-changelog`).length).toBeGreaterThan(0); // mid-batch flushes happened

    cluster.faults.push({ step: 'sendBatch', error: outage() });
    await manager.commitAll();
    expect(fatal).toEqual([]);
    expect(first.closed).toBe(true);
    const revived = await ready();
    await run(revived);
    await manager.commitAll();
    expect(cluster.latest('out')).toEqual({ k0: 5, k1: 4, k2: 4 });
    expect(cluster.offsets.get('in')).toBe(13);
  });

  it('at_least_once: a fatal send failure still fails', async () => {
    const { cluster, manager, current, process } = harness('at_least_once');
    await manager.assign(new Set([TASK]));
    await process(await current(), 0, 3);
    cluster.faults.push({ step: 'sendBatch', error: protocolError('TOPIC_AUTHORIZATION_FAILED', false) });
    await expect(manager.commitAll()).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
  });
});

describe('TaskManager past records kafkajs filters out (transaction markers, aborted records)', () => {
  it('exactly_once_v2: commits past a trailing commit marker and past a fetch of markers only, never past a gap', async () => {
    const { cluster, manager, current } = harness('exactly_once_v2');
    await manager.assign(new Set([TASK]));
    const handle = await current();
    const run = (from: number, to: number, lastOffset: number) =>
      manager.processBatch(
        handle,
        {
          topic: REPARTITION,
          partition: 0,
          messages: Array.from({ length: to - from }, (_, i) => ({
            offset: String(from + i),
            key: Buffer.from('k0'),
            value: Buffer.from('1'),
            timestamp: String(1_000 + from + i),
            headers: {},
          })),
          lastOffset: () => String(lastOffset),
        },
        { resolveOffset: () => undefined, isRunning: () => true, isStale: () => false },
      );
    // Records 0-5, then the upstream transaction's commit marker at 6 (delivered in the same fetch).
    await run(0, 6, 6);
    await manager.commitAll();
    expect(cluster.offsets.get(REPARTITION)).toBe(7);

    // A fetch of only a marker at 7: kafkajs calls no batch callback; the thread passes it on.
    manager.skipFilteredFetch(REPARTITION, 0, 7, 7);
    // A stale fetch (from before a seek) that does not start at the position moves nothing.
    manager.skipFilteredFetch(REPARTITION, 0, 3, 9);
    await manager.commitAll();
    expect(cluster.offsets.get(REPARTITION)).toBe(8);
    expect(handle.positions.get(REPARTITION)).toBe(8);
  });
});

describe('TaskManager on revocation (kafkajs has no onPartitionsRevoked)', () => {
  it('exactly_once_v2: a revoked task commits its open transaction before it closes, and is not revived', async () => {
    const { cluster, manager, fatal, current, process } = harness('exactly_once_v2');
    await manager.assign(new Set([TASK]));
    await process(await current(), 0, 6);
    await manager.assign(new Set()); // the task moved to another member
    expect(cluster.latest('out')).toEqual({ k0: 2, k1: 2, k2: 2 });
    expect(cluster.offsets.get(REPARTITION)).toBe(6); // the new owner starts after our work
    expect(manager.handles.size).toBe(0);
    expect(fatal).toEqual([]);
  });

  it('exactly_once_v2: if the new owner fenced us first, the transaction aborts and nothing is revived', async () => {
    const { cluster, manager, fatal, current, process } = harness('exactly_once_v2');
    await manager.assign(new Set([TASK]));
    await process(await current(), 0, 6);
    cluster.faults.push({ step: 'sendOffsets', error: protocolError('PRODUCER_FENCED', false) });
    await manager.assign(new Set());
    expect(cluster.log('out')).toEqual([]);
    expect(cluster.offsets.has(REPARTITION)).toBe(false);
    expect(cluster.producersCreated).toBe(1); // no revive: a new producer would fence the new owner
    expect(manager.handles.size).toBe(0);
    expect(fatal).toEqual([]);
  });

  it('at_least_once: offsets are committed before a rejoin, never during one, never for revoked tasks', async () => {
    let rejoining = false;
    const { cluster, manager, current, process } = harness('at_least_once', new FakeCluster(), {
      canCommitOffsets: () => !rejoining,
    });
    await manager.assign(new Set([TASK]));
    await process(await current(), 0, 6);
    await manager.commitAll(); // the commit before our JoinGroup
    expect(cluster.offsets.get(REPARTITION)).toBe(6);

    await process(await current(), 6, 9);
    rejoining = true; // a JoinGroup went out: the commit would race a new owner
    await manager.commitAll();
    expect(cluster.latest('out')).toEqual({ k0: 3, k1: 3, k2: 3 }); // output may leave (duplicates only)
    expect(cluster.offsets.get(REPARTITION)).toBe(6); // offsets may not

    rejoining = false;
    manager.markRevoked(new Set()); // GROUP_JOIN: the task is gone, assign() has not run yet
    await manager.commitAll();
    expect(cluster.offsets.get(REPARTITION)).toBe(6);
    expect(await manager.ready(REPARTITION, 0)).toBeUndefined(); // and it processes nothing more
  });
});
