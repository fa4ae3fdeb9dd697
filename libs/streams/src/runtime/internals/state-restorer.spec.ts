/**
 * Checkpoint + restore of persistent stores through the real task code, with
 * an in-memory changelog: a clean close lets the next task restore only the
 * changelog tail; a corrupt, stale or missing checkpoint means a full restore
 * with the same final state.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumed, Grouped, Materialized, Serdes, StreamsBuilder, TimeWindows } from '../../index';
import { OutgoingRecord } from '../../processor/internals/record-collector';
import { StreamTask, TaskEnvironment } from '../../processor/internals/stream-task';
import { KeyValueStore, WindowStore } from '../../state/stores';
import { StreamsMetrics } from '../../telemetry/metrics';
import { PartitionReader } from './partition-reader';
import {
  CHECKPOINT_FILE,
  parseCheckpoint,
  restoreTask,
  takeCheckpoint,
  validateCheckpoint,
  writeCheckpoint,
} from './state-restorer';

const S = Serdes.String();
const L = Serdes.Long();
const APP = 'app';
const COUNTS = `${APP}-counts-changelog`;

function subtopology() {
  const builder = new StreamsBuilder();
  const grouped = builder.stream('in', Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
  grouped.count(Materialized.as<string, number>('counts').withStoreType('persistent'));
  grouped
    .windowedBy(TimeWindows.ofSizeWithNoGrace(1000))
    .count(Materialized.as<string, number>('windowed').withStoreType('persistent').withRetention(10_000));
  return builder.build().subtopologies(APP)[0]!;
}

describe('state restorer with persistent stores', () => {
  let stateDir: string;
  let logs: Map<string, OutgoingRecord[]>;
  let metrics: StreamsMetrics;
  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'streams-restore-'));
    logs = new Map();
    metrics = new StreamsMetrics(APP);
  });
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  const log = (topic: string) => logs.get(topic) ?? (logs.set(topic, []).get(topic) as OutgoingRecord[]);
  const reader = {
    startOffset: async () => 0,
    endOffset: async (topic: string) => log(topic).length,
    read: async (topic: string, _p: number, from: number, to: number, onBatch: (r: unknown[]) => void) => {
      const records = log(topic).slice(from, to);
      onBatch(records);
      return records.length;
    },
  } as unknown as PartitionReader;

  const newTask = () => {
    const env: TaskEnvironment = {
      applicationId: APP,
      collector: { send: (r) => void log(r.topic).push(r) },
      metrics,
      stateDir,
      deserializationErrors: 'fail',
      changelogTopic: (store) => `${APP}-${store}-changelog`,
      wallClock: () => 0,
    };
    return new StreamTask(subtopology(), 0, env);
  };
  /** Opens a task the way the runtime does; returns it and how many changelog records it replayed. */
  const open = async () => {
    const task = newTask();
    task.initializeStores(await validateCheckpoint(task, takeCheckpoint(task), reader));
    const restored = await restoreTask(task, reader, metrics);
    task.initializeProcessors();
    return { task, restored };
  };
  const pipe = (task: StreamTask, keys: string[], from: number) =>
    keys.forEach((key, i) =>
      task.process({
        topic: 'in',
        partition: 0,
        offset: from + i,
        key: Buffer.from(key),
        value: Buffer.from('x'),
        timestamp: 100 * (from + i),
        headers: {},
      }),
    );
  const counts = (task: StreamTask) => task.stores.get('counts') as unknown as KeyValueStore<string, number>;
  const windowed = (task: StreamTask) =>
    task.stores.get('windowed') as unknown as WindowStore<string, number>;
  const checkpointFile = () => join(stateDir, APP, '0_0', CHECKPOINT_FILE);

  /** First run: 12 records, committed (flushed) in two commits, then closed cleanly with a checkpoint. */
  const firstRun = async () => {
    const { task, restored } = await open();
    expect(restored).toBe(0);
    pipe(task, ['a', 'b', 'a', 'a', 'b', 'c'], 0);
    task.flush();
    pipe(task, ['a', 'b', 'a', 'a', 'b', 'c'], 6);
    task.flush();
    await writeCheckpoint(task, reader);
    task.close();
  };

  it('a clean restart loads the snapshot and replays only the changelog tail written since', async () => {
    await firstRun();
    expect(existsSync(checkpointFile())).toBe(true);
    // Someone else owned the task meanwhile and wrote one more update to the changelog.
    log(COUNTS).push({
      topic: COUNTS,
      key: Buffer.from('c'),
      value: L.serialize(7, COUNTS),
      timestamp: 0,
      headers: {},
    });

    const { task, restored } = await open();
    expect(restored).toBe(1);
    expect(existsSync(checkpointFile())).toBe(false); // consumed on open: a crash from now on means a full restore
    expect(counts(task).get('a')).toBe(6);
    expect(counts(task).get('b')).toBe(4);
    expect(counts(task).get('c')).toBe(7);
    expect(windowed(task).fetch('a', 0)).toBe(6);
    expect(windowed(task).fetch('b', 0)).toBe(3);
    expect(windowed(task).fetch('c', 1000)).toBe(1);
    task.close();
  });

  it('a corrupt checkpoint means a full restore, with the same state', async () => {
    await firstRun();
    const fullLength = log(COUNTS).length + log(`${APP}-windowed-changelog`).length;
    writeFileSync(checkpointFile(), '{"version":1,"stores":{"counts":{"off');
    const { task, restored } = await open();
    expect(restored).toBe(fullLength);
    expect(counts(task).get('a')).toBe(6);
    expect(counts(task).get('c')).toBe(2);
    expect(windowed(task).fetch('a', 0)).toBe(6);
    expect(windowed(task).fetch('b', 1000)).toBe(1);
    expect(metrics.snapshot()['streams.restore.records']).toBe(fullLength);
  });

  it('no checkpoint (a crash) and a stale checkpoint (changelog re-created) both restore fully', async () => {
    await firstRun();
    const { task: second, restored: tail } = await open();
    expect(tail).toBe(0);
    second.close(); // no writeCheckpoint: as after a crash
    const { restored: afterCrash, task: third } = await open();
    expect(afterCrash).toBe(log(COUNTS).length + log(`${APP}-windowed-changelog`).length);
    expect(counts(third).get('a')).toBe(6);
    await writeCheckpoint(third, reader);
    third.close();

    // The changelog is deleted and re-created shorter than the checkpointed offset: not resumable.
    logs.set(COUNTS, [
      { topic: COUNTS, key: Buffer.from('z'), value: L.serialize(1, COUNTS), timestamp: 0, headers: {} },
    ]);
    const { task, restored } = await open();
    expect(counts(task).get('z')).toBe(1);
    expect(counts(task).get('a')).toBeUndefined(); // the snapshot was not trusted
    expect(restored).toBe(1); // counts fully (1 record); windowed resumed from its valid checkpoint (0 records)
  });

  it('parseCheckpoint accepts only well-formed version-1 entries', () => {
    expect(parseCheckpoint('{"version":1,"stores":{"s":{"offset":5,"crc":9}}}')).toEqual(
      new Map([['s', { offset: 5, crc: 9 }]]),
    );
    expect(parseCheckpoint('{"version":1,"stores":{"s":{"offset":null,"crc":9}}}').get('s')).toEqual({
      offset: undefined,
      crc: 9,
    });
    expect(parseCheckpoint('{"version":2,"stores":{}}').size).toBe(0);
    expect(parseCheckpoint('{"version":1,"stores":{"s":{"offset":-1,"crc":9}}}').size).toBe(0);
    expect(parseCheckpoint('{"version":1,"stores":{"s":{"offset":"5","crc":9}}}').size).toBe(0);
    expect(parseCheckpoint('not json').size).toBe(0);
  });
});
