/**
 * Group membership as the thread tracks it from kafkajs' consumer events,
 * without a broker: a fake consumer emits what kafkajs 2.2.4 emits, and the
 * test plays the assigner's part of each JoinGroup (kafkajs asks the assigner
 * for its metadata once per JoinGroup it builds).
 */
import { EventEmitter } from 'node:events';
import { Kafka } from 'kafkajs';
import { StreamsMetrics } from '../../telemetry/metrics';
import { resolveStreamsConfig } from '../streams-config';
import { StreamThread, ThreadListener } from './stream-thread';

const EVENTS = {
  GROUP_JOIN: 'consumer.group_join',
  REBALANCING: 'consumer.rebalancing',
  CRASH: 'consumer.crash',
  HEARTBEAT: 'consumer.heartbeat',
} as const;

/** The parts of kafkajs the thread touches, with the consumer's events under the test's control. */
function fakeKafka() {
  const emitter = new EventEmitter();
  let assigner: { protocol(args: { topics: string[] }): unknown } | undefined;
  const closed = { connect: async () => undefined, disconnect: async () => undefined };
  const kafka = {
    [Symbol('private:Kafka:createCluster')]: () => ({
      ...closed,
      addMultipleTargetTopics: async () => undefined,
    }),
    admin: () => ({ ...closed, fetchOffsets: async () => [] }),
    producer: () => ({ ...closed, sendBatch: async () => undefined }),
    consumer: (options: { partitionAssigners: Array<(a: { cluster: unknown }) => typeof assigner> }) => {
      assigner = options.partitionAssigners[0]?.({ cluster: {} });
      return {
        ...closed,
        events: EVENTS,
        on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener),
        subscribe: async () => undefined,
        run: async () => undefined,
        stop: async () => undefined,
        commitOffsets: async () => undefined,
      };
    },
  } as unknown as Kafka;
  return {
    kafka,
    /** kafkajs builds a JoinGroup request (which may then fail). */
    buildJoinGroup: () => assigner?.protocol({ topics: ['in'] }),
    emit: (event: keyof typeof EVENTS, payload: Record<string, unknown>) =>
      emitter.emit(EVENTS[event], { type: EVENTS[event], payload }),
  };
}

async function startedThread() {
  const fake = fakeKafka();
  const warnings: string[] = [];
  const assignments: number[] = [];
  const listener: ThreadListener = {
    onRebalance: () => undefined,
    onAssignment: () => void assignments.push(Date.now()),
    onTaskStatus: () => undefined,
    onFatal: (err) => {
      throw err;
    },
  };
  const config = resolveStreamsConfig({
    'application.id': 'app',
    'bootstrap.servers': '127.0.0.1:9092',
    'processing.guarantee': 'at_least_once',
    logger: { warn: (_fields, message) => void warnings.push(message) },
  });
  const thread = new StreamThread(fake.kafka, config, [], new StreamsMetrics('app'), listener);
  await thread.start();
  /** What the task manager is told before an at-least-once offset commit. */
  const canCommitOffsets = () =>
    (thread.tasks as unknown as { deps: { canCommitOffsets(): boolean } }).deps.canCommitOffsets();
  return { fake, thread, warnings, assignments, canCommitOffsets };
}

describe('StreamThread group membership', () => {
  it('keeps the assignment when every rejoin failed but the coordinator still accepts the joined generation', async () => {
    const { fake, thread, warnings, assignments, canCommitOffsets } = await startedThread();
    try {
      fake.buildJoinGroup();
      fake.emit('GROUP_JOIN', { memberId: 'm-1', memberAssignment: {} });
      fake.emit('HEARTBEAT', { memberId: 'm-1', groupGenerationId: 7 }); // confirms the joined generation
      await new Promise((r) => setImmediate(r)); // the join's (empty) assignment is applied
      expect([thread.inGroup, canCommitOffsets(), assignments.length]).toEqual([true, true, 1]);

      // The broker goes away: kafkajs reports the crash, restarts, and its JoinGroups fail three times.
      fake.emit('CRASH', { restart: true, error: new Error('Connection error') });
      for (let i = 0; i < 3; i++) fake.buildJoinGroup();
      expect([thread.inGroup, canCommitOffsets()]).toEqual([false, false]);

      // Not proof: another member id, or another generation.
      fake.emit('HEARTBEAT', { memberId: 'm-2', groupGenerationId: 7 });
      fake.emit('HEARTBEAT', { memberId: 'm-1', groupGenerationId: 8 });
      expect([thread.inGroup, canCommitOffsets()]).toEqual([false, false]);

      // The restarted broker reloaded the group Stable at generation 7 with this member: no GROUP_JOIN comes.
      fake.emit('HEARTBEAT', { memberId: 'm-1', groupGenerationId: 7 });
      expect([thread.inGroup, canCommitOffsets(), assignments.length]).toEqual([true, true, 2]);
      expect(warnings).toEqual([expect.stringMatching(/^Rejoining the group failed/)]);
    } finally {
      await thread.stop();
    }
  });

  it('takes the joined generation from GROUP_JOIN (patched kafkajs), with no heartbeat before the outage', async () => {
    const { fake, thread, canCommitOffsets } = await startedThread();
    try {
      fake.buildJoinGroup();
      fake.emit('GROUP_JOIN', { memberId: 'm-1', generationId: 1, memberAssignment: {} });
      fake.emit('CRASH', { restart: true, error: new Error('Connection error') }); // before any heartbeat
      fake.buildJoinGroup();
      fake.buildJoinGroup();
      fake.emit('HEARTBEAT', { memberId: 'm-1', groupGenerationId: 1 });
      expect([thread.inGroup, canCommitOffsets()]).toEqual([true, true]);
    } finally {
      await thread.stop();
    }
  });

  it('stays out of the group on a heartbeat before any confirmed generation', async () => {
    const { fake, thread, canCommitOffsets } = await startedThread();
    try {
      fake.buildJoinGroup();
      fake.emit('GROUP_JOIN', { memberId: 'm-1', memberAssignment: {} });
      fake.emit('REBALANCING', {});
      fake.buildJoinGroup();
      fake.emit('HEARTBEAT', { memberId: 'm-1', groupGenerationId: 7 }); // generation never confirmed
      expect([thread.inGroup, canCommitOffsets()]).toEqual([false, false]);
    } finally {
      await thread.stop();
    }
  });
});
