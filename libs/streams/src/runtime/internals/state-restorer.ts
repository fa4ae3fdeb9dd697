import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StreamTask } from '../../processor/internals/stream-task';
import { StoreCheckpoint } from '../../state/internals/bytes-stores';
import { syncDirectory, writeFileDurably } from '../../state/internals/snapshot-file';
import { StreamsMetrics } from '../../telemetry/metrics';
import { PartitionReader } from './partition-reader';

/** File name of a task's checkpoint, in its state directory (as in Kafka Streams). */
export const CHECKPOINT_FILE = '.checkpoint';
const CHECKPOINT_VERSION = 1;

/** A task's checkpoint: one entry per persistent store, by store name. */
export type TaskCheckpoint = ReadonlyMap<string, StoreCheckpoint>;

const isOffset = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * Parses a checkpoint file. Anything unexpected (torn JSON, wrong version,
 * a non-integer offset) yields an empty checkpoint: a full restore is always
 * correct, trusting a damaged checkpoint never is.
 */
export function parseCheckpoint(text: string): TaskCheckpoint {
  const out = new Map<string, StoreCheckpoint>();
  try {
    const doc = JSON.parse(text) as { version?: unknown; stores?: Record<string, unknown> };
    if (doc.version !== CHECKPOINT_VERSION || typeof doc.stores !== 'object' || doc.stores === null)
      return out;
    for (const [name, raw] of Object.entries(doc.stores)) {
      const entry = raw as { offset?: unknown; crc?: unknown };
      const offsetOk = entry.offset === null || isOffset(entry.offset);
      if (!offsetOk || !isOffset(entry.crc) || entry.crc > 0xffffffff) return new Map();
      out.set(name, { offset: entry.offset === null ? undefined : (entry.offset as number), crc: entry.crc });
    }
  } catch {
    return new Map();
  }
  return out;
}

/**
 * Reads and deletes a task's checkpoint before its stores open, as Kafka
 * Streams does (`ProcessorStateManager`): from the moment the task processes,
 * local state runs ahead of the checkpoint, so a crash must find no
 * checkpoint and restore fully. A new checkpoint is written only by
 * {@link writeCheckpoint} on clean close.
 *
 * Exactly-once: Kafka Streams before KIP-892 (transactional state stores)
 * trusts a checkpoint under EOS only after a clean shutdown (KIP-844 made the
 * EOS path wipe state on an unclean one), since the local store may hold
 * writes of a transaction that was then aborted. We follow that for both
 * guarantees: the snapshot is taken after the final commit, so it holds
 * exactly the committed state. (Kafka Streams also checkpoints at commits under
 * at-least-once; we do not, so a crash costs a full restore there too.)
 */
export function takeCheckpoint(task: StreamTask): TaskCheckpoint {
  const dir = task.stateDir;
  if (dir === undefined) return new Map();
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) return new Map();
  const checkpoint = parseCheckpoint(readFileSync(file, 'utf8'));
  rmSync(file, { force: true });
  syncDirectory(dir);
  return checkpoint;
}

/**
 * Keeps the entries still consistent with the changelog. An offset below the
 * log start (records the snapshot lacks were deleted) or past the log end
 * (the topic was deleted and re-created) cannot be resumed from: Kafka
 * Streams treats both as a corrupted task and restores from scratch.
 */
export async function validateCheckpoint(
  task: StreamTask,
  checkpoint: TaskCheckpoint,
  reader: PartitionReader,
): Promise<TaskCheckpoint> {
  const out = new Map<string, StoreCheckpoint>();
  for (const [name, entry] of checkpoint) {
    const store = task.stores.get(name);
    if (store === undefined || !store.persistent) continue;
    const topic = task.changelogTopic(name);
    if (topic === undefined) {
      if (entry.offset === undefined) out.set(name, entry);
      continue;
    }
    if (entry.offset === undefined) continue;
    const start = await reader.startOffset(topic, task.partition);
    const end = await reader.endOffset(topic, task.partition);
    if (entry.offset >= start && entry.offset <= end) out.set(name, entry);
  }
  return out;
}

/**
 * Replays each logged store's changelog partition into the store, from the
 * offset its loaded snapshot covers (a persistent store whose checkpoint held)
 * or from the log start, up to the last stable offset. Runs after the stores
 * open and before the first record is processed. Returns the records replayed.
 */
export async function restoreTask(
  task: StreamTask,
  reader: PartitionReader,
  metrics: StreamsMetrics,
): Promise<number> {
  let restored = 0;
  let replayed = false;
  const started = Date.now();
  for (const store of task.stores.values()) {
    const topic = task.changelogTopic(store.name);
    if (topic === undefined) continue;
    const start = await reader.startOffset(topic, task.partition);
    const from = store.localCheckpoint()?.offset ?? start;
    const end = await reader.endOffset(topic, task.partition);
    if (from >= end) continue;
    replayed = true;
    await reader.read(topic, task.partition, from, end, (records) => {
      for (const r of records) if (r.key !== null) store.restore(r.key, r.value);
      restored += records.length;
      metrics.restoredRecords.add(records.length, { store: store.name });
    });
  }
  if (replayed) metrics.recordRestore(Date.now() - started);
  return restored;
}

/**
 * After a clean close's final commit: snapshots every persistent store, then
 * writes the checkpoint naming each snapshot (CRC-32) and the changelog end
 * offset it covers. Order matters: each snapshot is durable before the
 * checkpoint that vouches for it exists, so a crash in between leaves no
 * checkpoint (full restore), never a checkpoint ahead of its data.
 */
export async function writeCheckpoint(task: StreamTask, reader: PartitionReader): Promise<void> {
  const dir = task.stateDir;
  const persistent = [...task.stores.values()].filter((s) => s.persistent);
  if (dir === undefined || persistent.length === 0) return;
  mkdirSync(dir, { recursive: true });
  const stores: Record<string, { offset: number | null; crc: number }> = {};
  for (const store of persistent) {
    const topic = task.changelogTopic(store.name);
    const offset = topic === undefined ? null : await reader.endOffset(topic, task.partition);
    const crc = store.writeSnapshot();
    if (crc !== undefined) stores[store.name] = { offset, crc };
  }
  writeFileDurably(join(dir, CHECKPOINT_FILE), JSON.stringify({ version: CHECKPOINT_VERSION, stores }));
}
