import { SubtopologyDef } from '../../processor/internals/topology-layout';
import { RepartitionPurger } from './repartition-purger';
import { writeCheckpoint } from './state-restorer';
import { TaskCreator } from './task-creator';
import { TaskExecutor } from './task-executor';
import {
  BatchControl,
  FetchedBatch,
  ReviveAttempt,
  TaskHandle,
  TaskManagerDeps,
  TaskTable,
} from './task-handle';

export type { BatchControl, FetchedBatch, TaskHandle, TaskManagerDeps } from './task-handle';

/**
 * This instance's tasks: which exist, which are assigned, and closing them.
 * As in Kafka Streams, the work is split: a {@link TaskCreator} creates,
 * initialises, positions and revives tasks, and a {@link TaskExecutor} runs
 * their records and commits them (both guarantees' commit paths). The manager
 * owns the task table they share, applies assignments, and closes tasks
 * (dirty, with an optional revival, or cleanly at shutdown).
 */
export class TaskManager implements TaskTable {
  readonly handles = new Map<string, TaskHandle>();
  private readonly subByTopic = new Map<string, SubtopologyDef>();
  private readonly creator: TaskCreator;
  private readonly executor: TaskExecutor;

  constructor(private readonly deps: TaskManagerDeps) {
    for (const sub of deps.subtopologies) for (const t of sub.sourceTopics) this.subByTopic.set(t, sub);
    this.creator = new TaskCreator(deps, this);
    this.executor = new TaskExecutor(deps, this);
  }

  /** Deletes consumed repartition records after commits. */
  get purger(): RepartitionPurger {
    return this.executor.purger;
  }

  taskIdFor(topic: string, partition: number): string | undefined {
    const sub = this.subByTopic.get(topic);
    return sub === undefined ? undefined : `${sub.id}_${partition}`;
  }

  /** Sub-topology owning a task id. */
  subtopologyOf(taskId: string): SubtopologyDef | undefined {
    return this.creator.subtopologyOf(taskId);
  }

  get allRunning(): boolean {
    return [...this.handles.values()].every((h) => h.running);
  }

  /**
   * Marks the tasks a new assignment no longer holds, synchronously, as soon
   * as kafkajs reports the assignment (GROUP_JOIN), so no commit queued before
   * {@link assign} runs writes offsets for partitions that now belong to
   * another member (at-least-once: that could move its position past state it
   * never restored).
   */
  markRevoked(taskIds: ReadonlySet<string>): void {
    for (const [id, handle] of this.handles) if (!taskIds.has(id)) handle.revoked = true;
  }

  /**
   * Applies a new assignment: closes revoked tasks, starts new ones.
   *
   * Exactly-once: a revoked task's open transaction is committed first. That
   * is safe after the rebalance, because fencing is per task: the new owner
   * calls InitProducerId with the same transactional id before it restores or
   * reads offsets, so either our commit lands first (and it sees it) or we are
   * fenced and the transaction is aborted (and it reprocesses). A failed
   * commit is not revived.
   *
   * At-least-once: a revoked task is closed without committing (work since the
   * commit that ran before the rejoin, if any, is reprocessed by the new owner).
   */
  async assign(taskIds: Set<string>): Promise<void> {
    this.markRevoked(taskIds);
    if (this.deps.config.guarantee === 'exactly_once_v2') {
      for (const handle of [...this.handles.values()]) {
        if (!handle.revoked || !handle.running || handle.closed) continue;
        handle.task.flush();
        await this.executor.commitTransactional(handle);
      }
    }
    for (const [id, handle] of this.handles) if (!taskIds.has(id)) await this.closeDirty(handle);
    for (const id of taskIds) if (!this.handles.has(id)) this.creator.create(id);
    this.deps.onTaskStatus();
  }

  /** The task for a partition once it is ready to process, else undefined. */
  async ready(topic: string, partition: number): Promise<TaskHandle | undefined> {
    const id = this.taskIdFor(topic, partition);
    const handle = id === undefined ? undefined : this.handles.get(id);
    if (!handle || !(await handle.ready) || handle.closed || handle.revoked) return undefined;
    return handle;
  }

  /** Flushes every running task and commits its output and offsets (one transaction per task under EOS). */
  commitAll(): Promise<void> {
    return this.executor.commitAll();
  }

  /** Runs a fetched batch through its task; see {@link TaskExecutor.processBatch}. */
  processBatch(handle: TaskHandle, batch: FetchedBatch, control: BatchControl): Promise<void> {
    return this.executor.processBatch(handle, batch, control);
  }

  /**
   * A fetch whose records kafkajs filtered out entirely (only transaction
   * markers or aborted records) never reaches the batch callback; the thread
   * passes it here. Skipped only when it starts exactly at the task's
   * position: a stale fetch from before a seek must not move it.
   */
  skipFilteredFetch(topic: string, partition: number, firstOffset: number, lastOffset: number): void {
    const id = this.taskIdFor(topic, partition);
    const handle = id === undefined ? undefined : this.handles.get(id);
    if (!handle || !handle.running || handle.closed || handle.revoked) return;
    if (handle.positions.get(topic) !== firstOffset) return;
    this.executor.skipFiltered(handle, topic, firstOffset, lastOffset);
  }

  /** Sends buffered output without committing offsets (at-least-once); see {@link TaskExecutor.flushOutput}. */
  flushOutput(): Promise<boolean> {
    return this.executor.flushOutput();
  }

  /** Back-pressure inside a fetched batch; see {@link TaskExecutor.relieve}. */
  relieve(handle: TaskHandle): Promise<void> {
    return this.executor.relieve(handle);
  }

  /** Whether the buffer `handle` writes to is full (cheap; checked after every record). */
  outputFull(handle: TaskHandle): boolean {
    return this.executor.outputFull(handle);
  }

  /** Commits, then closes every task cleanly, writing checkpoints for persistent stores. */
  async closeAll(): Promise<void> {
    await this.commitAll();
    for (const handle of this.handles.values()) {
      // A revoked task's changelog may already be written by its new owner: its end offset would vouch
      // for records our snapshot lacks. A failed write leaves no checkpoint: the next start restores fully.
      if (handle.running && !handle.revoked) {
        await writeCheckpoint(handle.task, this.deps.reader).catch(() => undefined);
      }
      await this.closeDirty(handle);
    }
    await this.purger.idle();
  }

  /** Revives the tasks whose initialisation failed retriably once their backoff has passed; see {@link TaskCreator.reviveDue}. */
  reviveDue(now = Date.now()): Promise<void> {
    return this.creator.reviveDue(now);
  }

  /**
   * Drops a task's uncommitted work and closes it; re-creates it if `reinit`
   * (it is still ours: a retriable error or a fenced producer). The new task
   * gets a new producer (InitProducerId aborts any open transaction), new
   * stores restored from the changelog (EOS: the old ones hold effects of the
   * aborted transaction) and seeks its inputs back to the committed offsets.
   */
  async closeDirty(handle: TaskHandle, reinit = false, retry?: ReviveAttempt): Promise<void> {
    if (handle.closed) return;
    handle.closed = true;
    this.handles.delete(handle.task.id);
    if (handle.running) this.deps.metrics.activeTasks.add(-1);
    handle.running = false;
    handle.output?.clear();
    handle.held?.discard();
    handle.task.close();
    await handle.txn?.close();
    if (reinit) this.creator.create(handle.task.id, retry);
    this.deps.onTaskStatus();
  }
}
