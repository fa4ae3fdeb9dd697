import { PartitionOffset, Producer, TopicOffsets } from 'kafkajs';
import { encodeOffsetMetadata } from './offset-metadata';
import { OutputBuffer } from './output-buffer';
import { CommittedPosition, RepartitionPurger } from './repartition-purger';
import { taskTimedOut, TASK_TIMEOUT_MS } from './task-creator';
import {
  BatchControl,
  FetchedBatch,
  normaliseHeaders,
  TaskHandle,
  TaskManagerDeps,
  TaskTable,
} from './task-handle';
import { classifyError, isRecoverable, needsNewProducer, TaskTransaction } from './task-transaction';

/**
 * Runs the tasks' records and commits their work, as Kafka Streams'
 * `TaskExecutor` does: fetched batches through their task, the output buffers
 * (back-pressure inside a batch, see {@link relieve}), and both commit paths.
 *
 * - Exactly-once: one transaction per task carries its output and its input
 *   offsets ({@link commitTransactional}).
 * - At-least-once: every task's caches are flushed, the shared buffer is sent
 *   and acknowledged, and only then are the input offsets committed, so a
 *   committed offset never vouches for output that was lost
 *   ({@link flushOutput}, then the offset commit).
 *
 * Tasks come from, and failed ones go back to, the {@link TaskTable} (the
 * `TaskManager`), which closes and revives them.
 */
export class TaskExecutor {
  /** Deletes consumed repartition records after commits. */
  readonly purger: RepartitionPurger;
  /** At-least-once: the shared producer (replaced after a sequence error). */
  private producer: Producer | undefined;

  constructor(
    private readonly deps: TaskManagerDeps,
    private readonly tasks: TaskTable,
  ) {
    this.producer = deps.producer;
    this.purger = new RepartitionPurger(deps.admin, deps.config.repartitionPurgeIntervalMs);
  }

  /** Flushes every running task and commits its output and offsets (one transaction per task under EOS). */
  async commitAll(): Promise<void> {
    const started = Date.now();
    const running = [...this.tasks.handles.values()].filter((h) => h.running && !h.closed);
    for (const h of running) h.task.flush();
    if (this.deps.config.guarantee === 'exactly_once_v2') {
      for (const h of running) await this.commitTransactional(h);
    } else {
      await this.commitAtLeastOnce(running);
    }
    this.deps.metrics.recordCommit(Date.now() - started);
    this.purger.maybePurge(this.committedRepartitionOffsets());
  }

  /** Committed offsets of the repartition partitions this instance's running tasks read. */
  private *committedRepartitionOffsets(): Iterable<CommittedPosition> {
    for (const h of this.tasks.handles.values()) {
      if (!h.running || h.closed) continue;
      for (const topic of h.task.subtopology.internalSourceTopics) {
        const offset = h.committed.get(topic);
        if (offset !== undefined) yield { topic, partition: h.task.partition, offset };
      }
    }
  }

  /**
   * Runs a fetched batch through its task, record by record. Records below the
   * task's position (processed before a seek took effect) are skipped. After
   * every record the output buffer is checked: a fetch can carry tens of
   * thousands of records, and the buffer must not grow with it.
   *
   * Processing is synchronous, so kafkajs' state (running, a pending seek) can
   * only change across an await: it is checked before the loop and after each
   * await, and offsets are resolved once before each await and at the end
   * (kafkajs' `resolveOffset` and `isStale` cost a Long parse or a string key
   * per call, about a tenth of the loop when called per record).
   */
  async processBatch(handle: TaskHandle, batch: FetchedBatch, control: BatchControl): Promise<void> {
    const { topic, partition } = batch;
    let position = handle.positions.get(topic) ?? 0;
    let unresolved: string | undefined;
    const settle = () => {
      handle.positions.set(topic, position);
      if (unresolved !== undefined) control.resolveOffset(unresolved);
      unresolved = undefined;
    };
    if (!control.isRunning() || control.isStale()) return;
    let completed = false;
    try {
      for (const m of batch.messages) {
        if (handle.closed) break;
        const offset = Number(m.offset);
        if (offset >= position) {
          handle.task.process({
            topic,
            partition,
            offset,
            key: m.key,
            value: m.value,
            timestamp: Number(m.timestamp),
            headers: normaliseHeaders(m.headers),
          });
          position = offset + 1;
        }
        unresolved = m.offset;
        if (this.outputFull(handle)) {
          settle();
          await this.relieve(handle);
          if (!control.isRunning() || control.isStale()) return;
        }
      }
      completed = !handle.closed;
    } finally {
      settle();
    }
    // Past what kafkajs filtered out after the last message (a transaction's commit marker, aborted
    // records), as Java's consumer position is: else the committed offset stays one short of the end
    // after every upstream transaction, and lag never reaches zero under exactly-once.
    const last = completed ? batch.lastOffset?.() : undefined;
    if (last !== undefined) this.skipFiltered(handle, topic, position, Number(last));
  }

  /** Moves `handle`'s position and consumed offset on `topic` from `position` to after `last`. */
  skipFiltered(handle: TaskHandle, topic: string, position: number, last: number): void {
    if (!(last >= position) || handle.positions.get(topic) !== position) return;
    handle.positions.set(topic, last + 1);
    handle.task.consumedOffsets.set(topic, last + 1);
  }

  /**
   * Sends buffered output without committing offsets (at-least-once). Returns
   * false when a retriable error lost part of it: every task writing to the
   * shared buffer was then closed dirty and revived, rewound to its committed
   * offsets, and reprocesses (duplicates are allowed under at-least-once).
   */
  async flushOutput(): Promise<boolean> {
    const requests = this.deps.sharedOutput?.drain() ?? [];
    try {
      for (const topicMessages of requests) await this.producer?.sendBatch({ topicMessages, acks: -1 });
      return true;
    } catch (err) {
      this.deps.metrics.commitFailures.add(1);
      if (!isRecoverable(err)) throw err;
      if (needsNewProducer(err) && this.deps.replaceProducer)
        this.producer = await this.deps.replaceProducer();
      this.deps.sharedOutput?.clear();
      for (const handle of [...this.tasks.handles.values()])
        if (handle.running) await this.tasks.closeDirty(handle, !handle.revoked);
      return false;
    }
  }

  /**
   * Back-pressure inside a fetched batch, checked after every record: when the
   * buffer `handle` writes to is full, flushes every task's caches and sends it
   * (at-least-once: no offset commit) or commits the task's transaction
   * (exactly-once: output may only leave inside a transaction). Keeps buffers
   * bounded however large a fetch is.
   */
  async relieve(handle: TaskHandle): Promise<void> {
    if (!this.outputFull(handle)) return;
    if (handle.output !== undefined) {
      if (!handle.running || handle.closed) return;
      const started = Date.now();
      handle.task.flush();
      await this.commitTransactional(handle);
      this.deps.metrics.recordCommit(Date.now() - started);
    } else {
      // Every task's caches first, as a commit does. The shared buffer holds changelog writes that were
      // logged at once (a dedupe store's ids, sent last); without this, they could become durable while
      // the aggregates of the same records still sat in a cache, and a failure before the next flush
      // would restore ids whose effects were lost: the replay would then drop those records as duplicates.
      for (const h of this.tasks.handles.values()) if (h.running && !h.closed) h.task.flush();
      await this.flushOutput();
    }
  }

  /** Whether the buffer `handle` writes to is full (cheap; checked after every record). */
  outputFull(handle: TaskHandle): boolean {
    return (handle.output ?? this.deps.sharedOutput)?.full ?? false;
  }

  /** Input offsets processed since the last commit, each with its partition time as metadata. */
  private changedOffsets(handle: TaskHandle): CommitOffsets[] {
    const out: CommitOffsets[] = [];
    for (const [topic, offset] of handle.task.consumedOffsets) {
      if (handle.committed.get(topic) === offset) continue;
      const metadata = encodeOffsetMetadata(handle.task.partitionTimes.get(topic) ?? -1);
      out.push({
        topic,
        partitions: [{ partition: handle.task.partition, offset: String(offset), metadata }],
      });
    }
    return out;
  }

  /**
   * Commits one task's transaction: its buffered output and its input offsets
   * (exactly-once). A fenced or corrupted task is closed dirty and revived; a
   * fatal error, or one that kept recurring past `task.timeout.ms`, closes it
   * and is thrown.
   */
  async commitTransactional(handle: TaskHandle): Promise<void> {
    const offsets = this.changedOffsets(handle);
    try {
      await (handle.txn as TaskTransaction).commit((handle.output as OutputBuffer).drain(), offsets);
      handle.held?.commit();
      for (const [topic, offset] of handle.task.consumedOffsets) handle.committed.set(topic, offset);
      handle.failingSince = undefined;
    } catch (err) {
      this.deps.metrics.commitFailures.add(1);
      // Fenced or corrupted: state and output since the last commit are void. Revive from the changelog.
      // Fatal (or retriable for longer than TASK_TIMEOUT_MS): close the task first, so nothing (e.g. the
      // shutdown's final commit) reuses its failed producer, then fail the instance.
      const kind = classifyError(err);
      const failingSince = handle.failingSince ?? Date.now();
      const expired = kind === 'retriable' && Date.now() - failingSince >= TASK_TIMEOUT_MS;
      const revive = kind !== 'fatal' && !expired && !handle.revoked;
      await this.tasks.closeDirty(
        handle,
        revive,
        kind === 'retriable' ? { attempt: 0, failingSince } : undefined,
      );
      if (expired) throw taskTimedOut(handle.task.id, err);
      if (kind === 'fatal') throw err;
    }
  }

  private async commitAtLeastOnce(running: TaskHandle[]): Promise<void> {
    if (!(await this.flushOutput())) return;
    const owned = running.filter((h) => !h.revoked && !h.closed);
    const offsets = owned.flatMap((h) => this.changedOffsets(h).map((o) => ({ handle: h, ...o })));
    if (offsets.length === 0) return;
    const flat = offsets.flatMap((o) =>
      o.partitions.map((p) => ({
        topic: o.topic,
        partition: p.partition,
        offset: p.offset,
        metadata: p.metadata,
      })),
    );
    // Checked synchronously before the call: kafkajs takes the generation when it builds the request.
    if (!(this.deps.canCommitOffsets?.() ?? true)) return;
    try {
      await this.deps.consumer().commitOffsets(flat);
      for (const h of owned)
        for (const [topic, offset] of h.task.consumedOffsets) h.committed.set(topic, offset);
    } catch {
      // A rebalance is under way: the group will hand these partitions out again; at-least-once allows the replay.
      this.deps.metrics.commitFailures.add(1);
    }
  }
}

/**
 * Offsets to commit, with metadata (kafkajs sends it in OffsetCommit and
 * TxnOffsetCommit, though its `PartitionOffset` type omits the field).
 */
interface CommitOffsets extends TopicOffsets {
  readonly partitions: Array<PartitionOffset & { metadata: string | null }>;
}
