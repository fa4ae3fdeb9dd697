import { PartitionOffset, Partitioners, Producer, TopicOffsets } from 'kafkajs';
import { StreamsFatalError } from '../../errors';
import { StreamTask, TaskEnvironment } from '../../processor/internals/stream-task';
import { SubtopologyDef } from '../../processor/internals/topology-layout';
import { decodePartitionTime, encodeOffsetMetadata } from './offset-metadata';
import { OutputBuffer } from './output-buffer';
import { CommittedPosition, RepartitionPurger } from './repartition-purger';
import { restoreTask, takeCheckpoint, validateCheckpoint, writeCheckpoint } from './state-restorer';
import { classifyError, isRecoverable, needsNewProducer, TaskTransaction } from './task-transaction';
import { BatchControl, FetchedBatch, normaliseHeaders, TaskHandle, TaskManagerDeps } from './task-handle';

export type { BatchControl, FetchedBatch, TaskHandle, TaskManagerDeps } from './task-handle';

const OUTPUT_BUFFER_RECORDS = 10_000;
/** First wait before reviving a task whose (re-)initialisation hit a retriable error; doubles per attempt. */
const REVIVE_BACKOFF_MS = 500;
const REVIVE_BACKOFF_MAX_MS = 10_000;
/** Kafka Streams' `task.timeout.ms` default: a task failing retriably for longer fails the instance. */
const TASK_TIMEOUT_MS = 300_000;

/**
 * Creates, restores, commits and closes this instance's tasks. A new task
 * runs InitProducerId first under exactly-once (fencing the previous owner
 * and settling its open transaction), then restores its stores, then seeks
 * its input partitions to the committed offsets, and only then processes.
 */
export class TaskManager {
  readonly handles = new Map<string, TaskHandle>();
  /** Deletes consumed repartition records after commits. */
  readonly purger: RepartitionPurger;
  private readonly subByTopic = new Map<string, SubtopologyDef>();
  /** At-least-once: the shared producer (replaced after a sequence error). */
  private producer: Producer | undefined;

  constructor(private readonly deps: TaskManagerDeps) {
    for (const sub of deps.subtopologies) for (const t of sub.sourceTopics) this.subByTopic.set(t, sub);
    this.producer = deps.producer;
    this.purger = new RepartitionPurger(deps.admin, deps.config.repartitionPurgeIntervalMs);
  }

  taskIdFor(topic: string, partition: number): string | undefined {
    const sub = this.subByTopic.get(topic);
    return sub === undefined ? undefined : `${sub.id}_${partition}`;
  }

  /** Sub-topology owning a task id. */
  subtopologyOf(taskId: string): SubtopologyDef | undefined {
    const id = Number(taskId.split('_')[0]);
    return this.deps.subtopologies.find((s) => s.id === id);
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
        await this.commitTransactional(handle);
      }
    }
    for (const [id, handle] of this.handles) if (!taskIds.has(id)) await this.closeDirty(handle);
    for (const id of taskIds) if (!this.handles.has(id)) this.create(id);
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
  async commitAll(): Promise<void> {
    const started = Date.now();
    const running = [...this.handles.values()].filter((h) => h.running && !h.closed);
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
    for (const h of this.handles.values()) {
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
    this.skipFiltered(handle, topic, firstOffset, lastOffset);
  }

  /** Moves `handle`'s position and consumed offset on `topic` from `position` to after `last`. */
  private skipFiltered(handle: TaskHandle, topic: string, position: number, last: number): void {
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
      for (const handle of [...this.handles.values()])
        if (handle.running) await this.closeDirty(handle, !handle.revoked);
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
      for (const h of this.handles.values()) if (h.running && !h.closed) h.task.flush();
      await this.flushOutput();
    }
  }

  /** Whether the buffer `handle` writes to is full (cheap; checked after every record). */
  outputFull(handle: TaskHandle): boolean {
    return (handle.output ?? this.deps.sharedOutput)?.full ?? false;
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

  /**
   * Revives the tasks whose initialisation failed retriably once their backoff
   * has passed (called on the thread's tick, in its lane). A task that keeps
   * failing for longer than {@link TASK_TIMEOUT_MS} fails the instance.
   */
  async reviveDue(now = Date.now()): Promise<void> {
    for (const handle of [...this.handles.values()]) {
      const revive = handle.revive;
      if (revive === undefined || handle.closed || now < revive.at) continue;
      await this.closeDirty(handle, true, { attempt: revive.attempt + 1, failingSince: revive.failingSince });
    }
  }

  /**
   * Drops a task's uncommitted work and closes it; re-creates it if `reinit`
   * (it is still ours: a retriable error or a fenced producer). The new task
   * gets a new producer (InitProducerId aborts any open transaction), new
   * stores restored from the changelog (EOS: the old ones hold effects of the
   * aborted transaction) and seeks its inputs back to the committed offsets.
   */
  async closeDirty(
    handle: TaskHandle,
    reinit = false,
    retry?: { attempt: number; failingSince: number },
  ): Promise<void> {
    if (handle.closed) return;
    handle.closed = true;
    this.handles.delete(handle.task.id);
    if (handle.running) this.deps.metrics.activeTasks.add(-1);
    handle.running = false;
    handle.output?.clear();
    handle.held?.discard();
    handle.task.close();
    await handle.txn?.close();
    if (reinit) this.create(handle.task.id, retry);
    this.deps.onTaskStatus();
  }

  private create(id: string, retry?: { attempt: number; failingSince: number }): void {
    const sub = this.subtopologyOf(id) as SubtopologyDef;
    const partition = Number(id.split('_')[1]);
    const eos = this.deps.config.guarantee === 'exactly_once_v2';
    const output = eos ? new OutputBuffer(OUTPUT_BUFFER_RECORDS, () => this.deps.requestCommit()) : undefined;
    const held = eos ? this.deps.metrics.heldForTask() : undefined;
    const env: TaskEnvironment = {
      applicationId: this.deps.config.applicationId,
      collector: output ?? (this.deps.sharedOutput as OutputBuffer),
      metrics: held?.metrics ?? this.deps.metrics,
      stateDir: this.deps.config.stateDir,
      deserializationErrors: this.deps.config.deserializationErrors,
      processingErrors: this.deps.config.processingErrors,
      deadLetterQueue: this.deps.config.deadLetterQueue,
      changelogTopic: (store) => {
        const logged = sub.stores.find((s) => s.builder.name === store)?.builder.loggingEnabled;
        return logged ? `${this.deps.config.applicationId}-${store}-changelog` : undefined;
      },
      wallClock: () => Date.now(),
      logger: this.deps.config.logger,
    };
    const task = new StreamTask(sub, partition, env);
    const txn = eos ? this.transaction(id) : undefined;
    const handle: TaskHandle = {
      task,
      output,
      txn,
      held,
      running: false,
      closed: false,
      positions: new Map(),
      committed: new Map(),
      ready: Promise.resolve(false),
      failingSince: retry?.failingSince,
    };
    (handle as { ready: Promise<boolean> }).ready = this.initialize(handle).catch((err: unknown) => {
      // A task closed while initialising (revoked, or shutdown) just stops. A retriable failure (broker
      // away) is retried with backoff by reviveDue, up to TASK_TIMEOUT_MS; anything else is fatal.
      if (handle.closed) return false;
      const attempt = retry?.attempt ?? 0;
      const failingSince = handle.failingSince ?? Date.now();
      if (!isRecoverable(err)) {
        this.deps.onFatal(err);
      } else if (Date.now() - failingSince >= TASK_TIMEOUT_MS) {
        this.deps.onFatal(timedOut(id, err));
      } else {
        const backoff = Math.min(REVIVE_BACKOFF_MS * 2 ** attempt, REVIVE_BACKOFF_MAX_MS);
        handle.revive = { at: Date.now() + backoff, attempt, failingSince };
      }
      return false;
    });
    this.handles.set(id, handle);
  }

  private transaction(taskId: string): TaskTransaction {
    const transactionalId = `${this.deps.config.applicationId}-${taskId}`;
    const producer = this.deps.kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.deps.config.transactionTimeoutMs,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    return new TaskTransaction(producer, transactionalId, this.deps.config.applicationId);
  }

  private async initialize(handle: TaskHandle): Promise<boolean> {
    const { task } = handle;
    await handle.txn?.initialize();
    if (handle.closed) return false;
    const checkpoint = await validateCheckpoint(task, takeCheckpoint(task), this.deps.reader);
    task.initializeStores(checkpoint);
    await restoreTask(task, this.deps.reader, this.deps.metrics);
    task.initializeProcessors();
    await this.positionInputs(handle);
    if (handle.closed) return false;
    handle.running = true;
    this.deps.metrics.activeTasks.add(1);
    this.deps.onTaskStatus();
    return true;
  }

  /** Seeks each input partition to the group's committed offset (log start when none). */
  private async positionInputs(handle: TaskHandle): Promise<void> {
    const { task } = handle;
    const topics = task.subtopology.sourceTopics;
    const committed = await this.deps.admin.fetchOffsets({ groupId: this.deps.config.applicationId, topics });
    for (const topic of topics) {
      const entry = committed
        .find((c) => c.topic === topic)
        ?.partitions.find((p) => p.partition === task.partition);
      const offset =
        entry && Number(entry.offset) >= 0
          ? Number(entry.offset)
          : await this.deps.reader.startOffset(topic, task.partition);
      if (handle.closed) return;
      const partitionTime = decodePartitionTime(entry?.metadata);
      if (partitionTime !== undefined) task.restorePartitionTime(topic, partitionTime);
      handle.positions.set(topic, offset);
      handle.committed.set(topic, offset);
      this.seek(topic, task.partition, offset);
    }
  }

  /**
   * Positions the consumer on a task's input. A task revived while kafkajs
   * restarts its crashed consumer (a broker outage) finds no consumer group:
   * kafkajs' seek throws "Consumer group was not initialized". Nothing is lost
   * by skipping it then: the restarted consumer joins afresh and fetches from
   * the group's committed offsets, which is where this seek would have put it
   * (the task cannot commit before it runs). In the group, a failed seek is
   * still an error.
   */
  private seek(topic: string, partition: number, offset: number): void {
    try {
      this.deps.consumer().seek({ topic, partition, offset: String(offset) });
    } catch (err) {
      if (this.deps.inGroup?.() ?? true) throw err;
    }
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

  private async commitTransactional(handle: TaskHandle): Promise<void> {
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
      await this.closeDirty(handle, revive, kind === 'retriable' ? { attempt: 0, failingSince } : undefined);
      if (expired) throw timedOut(handle.task.id, err);
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

/** A task that kept failing retriably for longer than TASK_TIMEOUT_MS (Kafka Streams' `task.timeout.ms`). */
function timedOut(taskId: string, err: unknown): StreamsFatalError {
  return new StreamsFatalError(
    `Task ${taskId} kept failing for ${TASK_TIMEOUT_MS} ms (task.timeout.ms): ${(err as Error).message}`,
    err,
  );
}
