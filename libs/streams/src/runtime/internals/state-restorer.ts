import { existsSync, readFileSync, rmSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StreamTask } from '../../processor/internals/stream-task';
import { StreamsMetrics } from '../../telemetry/metrics';
import { PartitionReader } from './partition-reader';

const CHECKPOINT_FILE = '.checkpoint';

type Checkpoint = Record<string, number>;

function readCheckpoint(dir: string | undefined): Checkpoint {
  if (dir === undefined) return {};
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
  } catch {
    return {};
  }
}

/**
 * Prepares a task's state directory before its stores open. The checkpoint
 * (changelog offset per store, written on clean close) is consumed here and
 * deleted, as Kafka Streams does: from now on the local files may run ahead
 * of the changelog, so a crash must lead to a full restore. A persistent store
 * without a checkpoint entry is wiped, since its file may hold writes that
 * were never committed.
 */
export function takeCheckpoint(task: StreamTask): Checkpoint {
  const dir = task.stateDir;
  const checkpoint = readCheckpoint(dir);
  if (dir === undefined) return checkpoint;
  for (const store of task.stores.values()) {
    const topic = task.changelogTopic(store.name);
    if (store.persistent && (topic === undefined || checkpoint[topic] === undefined)) {
      rmSync(join(dir, `${store.name}.kv`), { force: true });
    }
  }
  rmSync(join(dir, CHECKPOINT_FILE), { force: true });
  return checkpoint;
}

/**
 * Replays each logged store's changelog partition into the store, from the
 * checkpoint (persistent stores) or the log start, up to the last stable
 * offset. Runs after the stores open and before the first record is processed.
 */
export async function restoreTask(
  task: StreamTask,
  checkpoint: Checkpoint,
  reader: PartitionReader,
  metrics: StreamsMetrics,
): Promise<number> {
  let restored = 0;
  for (const store of task.stores.values()) {
    const topic = task.changelogTopic(store.name);
    if (topic === undefined) continue;
    const start = await reader.startOffset(topic, task.partition);
    const from = store.persistent ? Math.max(checkpoint[topic] ?? start, start) : start;
    const end = await reader.endOffset(topic, task.partition);
    if (from >= end) continue;
    await reader.read(topic, task.partition, from, end, (records) => {
      for (const r of records) if (r.key !== null) store.restore(r.key, r.value);
      restored += records.length;
      metrics.restoredRecords.add(records.length, { store: store.name });
    });
  }
  return restored;
}

/** Writes changelog end offsets for persistent stores after a clean close. */
export async function writeCheckpoint(task: StreamTask, reader: PartitionReader): Promise<void> {
  const dir = task.stateDir;
  const persistent = [...task.stores.values()].filter((s) => s.persistent);
  if (dir === undefined || persistent.length === 0) return;
  const checkpoint: Checkpoint = {};
  for (const store of persistent) {
    const topic = task.changelogTopic(store.name);
    if (topic !== undefined) checkpoint[topic] = await reader.endOffset(topic, task.partition);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${CHECKPOINT_FILE}.tmp`), JSON.stringify(checkpoint));
  renameSync(join(dir, `${CHECKPOINT_FILE}.tmp`), join(dir, CHECKPOINT_FILE));
}
