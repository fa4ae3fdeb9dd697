/**
 * Where a dead letter goes relative to the input offset that moves past its
 * poison record, without a broker (the runtime's TaskManager over fake kafkajs
 * clients that log every call):
 *
 * - exactly_once_v2: inside the task's transaction, with the offsets, before
 *   the commit; an aborted transaction takes the dead letter with it, and the
 *   offset stays where it was (the record is read again and re-dead-lettered).
 * - at_least_once: sent (and acknowledged) before the offsets are committed;
 *   when the send fails, no offset is committed.
 */
import type { Kafka, TopicMessages } from 'kafkajs';
import { Consumed, Serdes, StreamsBuilder } from '../../index';
import { StreamsMetrics } from '../../telemetry/metrics';
import { resolveStreamsConfig } from '../streams-config';
import { OutputBuffer } from './output-buffer';
import { PartitionReader } from './partition-reader';
import { FetchedBatch, TaskHandle, TaskManager } from './task-manager';

const APP = 'app';
const DLQ = 'in.dlq';
const strictInt = {
  serialize: (n: number) => Buffer.from(String(n)),
  deserialize: (b: Buffer) => {
    if (!/^\d+$/.test(b.toString())) throw new TypeError(`not a number: ${b.toString()}`);
    return Number(b.toString());
  },
};

function harness(guarantee: 'at_least_once' | 'exactly_once_v2', options: { failCommit?: boolean } = {}) {
  const calls: string[] = [];
  const sendBatch = async ({ topicMessages }: { topicMessages: TopicMessages[] }) => {
    for (const t of topicMessages) calls.push(`send ${t.topic} ${t.messages.map((m) => String(m.value))}`);
  };
  let failSends = false;
  const kafka = {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      transaction: async () => {
        calls.push('begin');
        return {
          sendBatch,
          sendOffsets: async ({ topics }: { topics: Array<{ partitions: Array<{ offset: string }> }> }) =>
            void calls.push(`offsets ${topics.map((t) => t.partitions.map((p) => p.offset)).join()}`),
          commit: async () => {
            if (options.failCommit) {
              throw Object.assign(new Error('coordinator away'), { name: 'KafkaJSConnectionError' });
            }
            calls.push('commit');
          },
          abort: async () => void calls.push('abort'),
        };
      },
    }),
  } as unknown as Kafka;
  const builder = new StreamsBuilder();
  builder.stream('in', Consumed.with(Serdes.String(), strictInt)).to('out');
  const manager = new TaskManager({
    kafka,
    config: resolveStreamsConfig({
      'application.id': APP,
      'bootstrap.servers': '127.0.0.1:9092',
      'processing.guarantee': guarantee,
      'deserialization.exception.handler': 'dead-letter',
      'errors.dead.letter.queue.topic.name': DLQ,
    }),
    subtopologies: builder.build().subtopologies(APP),
    admin: { fetchOffsets: async () => [], fetchTopicOffsets: async () => [] } as never,
    reader: { startOffset: async () => 0, endOffset: async () => 0 } as unknown as PartitionReader,
    metrics: new StreamsMetrics(APP),
    consumer: () =>
      ({
        seek: () => undefined,
        commitOffsets: async (offsets: Array<{ offset: string }>) =>
          void calls.push(`commitOffsets ${offsets.map((o) => o.offset).join()}`),
      }) as never,
    producer:
      guarantee === 'at_least_once'
        ? ({
            sendBatch: async (request: { topicMessages: TopicMessages[] }) => {
              if (failSends)
                throw Object.assign(new Error('broker away'), { name: 'KafkaJSConnectionError' });
              await sendBatch(request);
            },
          } as never)
        : undefined,
    sharedOutput: guarantee === 'at_least_once' ? new OutputBuffer(1000) : undefined,
    requestCommit: () => undefined,
    onTaskStatus: () => undefined,
    onFatal: (err) => {
      throw err;
    },
  });
  const start = async (): Promise<TaskHandle> => {
    await manager.assign(new Set(['0_0']));
    const handle = manager.handles.get('0_0') as TaskHandle;
    expect(await handle.ready).toBe(true);
    return handle;
  };
  return { calls, manager, start, failSendsFromNowOn: () => (failSends = true) };
}

/** `1`, `poison`, `3` at offsets 0..2. */
const batch: FetchedBatch = {
  topic: 'in',
  partition: 0,
  messages: ['1', 'poison', '3'].map((v, i) => ({
    offset: String(i),
    key: Buffer.from(`k${i}`),
    value: Buffer.from(v),
    timestamp: String(1000 + i),
    headers: {},
  })),
};
const control = { resolveOffset: () => undefined, isRunning: () => true, isStale: () => false };

describe('dead letters and the offset commit', () => {
  it('exactly_once_v2: the dead letter is sent inside the transaction that commits the offset past it', async () => {
    const { calls, manager, start } = harness('exactly_once_v2');
    const handle = await start();
    await manager.processBatch(handle, batch, control);
    await manager.commitAll();
    expect(calls).toEqual(['begin', 'send out 1,3', `send ${DLQ} poison`, 'offsets 3', 'commit']);
  });

  it('exactly_once_v2: a failed commit aborts the dead letter with the offsets; the task is revived', async () => {
    const { calls, manager, start } = harness('exactly_once_v2', { failCommit: true });
    const handle = await start();
    await manager.processBatch(handle, batch, control);
    await manager.commitAll();
    expect(calls).toEqual(['begin', 'send out 1,3', `send ${DLQ} poison`, 'offsets 3', 'abort']);
    // Closed dirty and re-created: it re-reads from the committed offset, so the poison is routed again.
    expect(handle.closed).toBe(true);
    expect(manager.handles.get('0_0')).not.toBe(handle);
  });

  it('at_least_once: the dead letter is acknowledged before the offsets are committed', async () => {
    const { calls, manager, start } = harness('at_least_once');
    const handle = await start();
    await manager.processBatch(handle, batch, control);
    await manager.commitAll();
    expect(calls).toEqual(['send out 1,3', `send ${DLQ} poison`, 'commitOffsets 3']);
  });

  it('at_least_once: when the dead letter cannot be sent, no offset is committed', async () => {
    const { calls, manager, start, failSendsFromNowOn } = harness('at_least_once');
    const handle = await start();
    await manager.processBatch(handle, batch, control);
    failSendsFromNowOn();
    await manager.commitAll();
    expect(calls.filter((c) => c.startsWith('commitOffsets'))).toEqual([]);
  });
});
