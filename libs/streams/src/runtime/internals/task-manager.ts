import {
  Admin,
  Consumer,
  IHeaders,
  Kafka,
  KafkaMessage,
  Partitioners,
  Producer,
  TopicOffsets,
} from 'kafkajs';
import { TaskMigratedError } from '../../errors';
import { StreamTask, TaskEnvironment } from '../../processor/internals/stream-task';
import { SubtopologyDef } from '../../processor/internals/topology-layout';
import { StreamsMetrics } from '../../telemetry/metrics';
import { ResolvedStreamsConfig } from '../streams-config';
import { OutputBuffer } from './output-buffer';
import { PartitionReader } from './partition-reader';
import { CommittedPosition, RepartitionPurger } from './repartition-purger';
import { restoreTask, takeCheckpoint, writeCheckpoint } from './state-restorer';
import { TaskTransaction } from './task-transaction';

const OUTPUT_BUFFER_RECORDS = 10_000;

/** The parts of a kafkajs batch a task reads. */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: ReadonlyArray<Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'timestamp' | 'headers'>>;
}

/** The kafkajs batch callbacks the loop needs. */
export interface BatchControl {
  resolveOffset(offset: string): void;
  isRunning(): boolean;
  isStale(): boolean;
}

/** A task and what the runtime keeps beside it. */
export interface TaskHandle {
  readonly task: StreamTask;
  /** Exactly-once only: the task's own output buffer and transaction. */
  readonly output: OutputBuffer | undefined;
  readonly txn: TaskTransaction | undefined;
  /** Resolves true when restored and positioned; false if closed meanwhile. */
  readonly ready: Promise<boolean>;
  running: boolean;
  closed: boolean;
  /** Offsets below these were processed before the last commit: skip them (a seek may lag). */
  readonly positions: Map<string, number>;
  readonly committed: Map<string, number>;
}

/** What the task manager needs from the thread that owns it. */
export interface TaskManagerDeps {
  readonly kafka: Kafka;
  readonly config: ResolvedStreamsConfig;
  readonly subtopologies: SubtopologyDef[];
  readonly admin: Admin;
  readonly reader: PartitionReader;
  readonly metrics: StreamsMetrics;
  consumer(): Consumer;
  /** At-least-once: the shared producer and buffer. */
  readonly producer: Producer | undefined;
  readonly sharedOutput: OutputBuffer | undefined;
  /** Called when a buffer fills, so the owner flushes or commits early. */
  requestCommit(): void;
  onTaskStatus(): void;
  onFatal(err: unknown): void;
}

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

  constructor(private readonly deps: TaskManagerDeps) {
    for (const sub of deps.subtopologies) for (const t of sub.sourceTopics) this.subByTopic.set(t, sub);
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

  /** Applies a new assignment: closes revoked tasks (uncommitted work is dropped), starts new ones. */
  async assign(taskIds: Set<string>): Promise<void> {
    for (const [id, handle] of this.handles) if (!taskIds.has(id)) await this.closeDirty(handle);
    for (const id of taskIds) if (!this.handles.has(id)) this.create(id);
    this.deps.onTaskStatus();
  }

  /** The task for a partition once it is ready to process, else undefined. */
  async ready(topic: string, partition: number): Promise<TaskHandle | undefined> {
    const id = this.taskIdFor(topic, partition);
    const handle = id === undefined ? undefined : this.handles.get(id);
    if (!handle || !(await handle.ready) || handle.closed) return undefined;
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
          if (!control.isRunning() || control.isStale()) break;
        }
      }
    } finally {
      settle();
    }
  }

  /** Sends buffered output without committing offsets (at-least-once back-pressure). */
  async flushOutput(): Promise<void> {
    const requests = this.deps.sharedOutput?.drain() ?? [];
    for (const topicMessages of requests) await this.deps.producer?.sendBatch({ topicMessages, acks: -1 });
  }

  /**
   * Back-pressure inside a fetched batch, checked after every record: when the
   * buffer `handle` writes to is full, sends it (at-least-once: no offset
   * commit) or commits the task's transaction (exactly-once: output may only
   * leave inside a transaction). Keeps buffers bounded however large a fetch is.
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
      if (handle.running) await writeCheckpoint(handle.task, this.deps.reader).catch(() => undefined);
      await this.closeDirty(handle);
    }
    await this.purger.idle();
  }

  /** Drops a task's uncommitted work and closes it; re-creates it if `reinit` (it is still ours). */
  async closeDirty(handle: TaskHandle, reinit = false): Promise<void> {
    if (handle.closed) return;
    handle.closed = true;
    this.handles.delete(handle.task.id);
    if (handle.running) this.deps.metrics.activeTasks.add(-1);
    handle.running = false;
    handle.output?.clear();
    handle.task.close();
    await handle.txn?.close();
    if (reinit) this.create(handle.task.id);
    this.deps.onTaskStatus();
  }

  private create(id: string): void {
    const sub = this.subtopologyOf(id) as SubtopologyDef;
    const partition = Number(id.split('_')[1]);
    const eos = this.deps.config.guarantee === 'exactly_once_v2';
    const output = eos ? new OutputBuffer(OUTPUT_BUFFER_RECORDS, () => this.deps.requestCommit()) : undefined;
    const env: TaskEnvironment = {
      applicationId: this.deps.config.applicationId,
      collector: output ?? (this.deps.sharedOutput as OutputBuffer),
      metrics: this.deps.metrics,
      stateDir: this.deps.config.stateDir,
      deserializationErrors: this.deps.config.deserializationErrors,
      changelogTopic: (store) => {
        const logged = sub.stores.find((s) => s.builder.name === store)?.builder.loggingEnabled;
        return logged ? `${this.deps.config.applicationId}-${store}-changelog` : undefined;
      },
      wallClock: () => Date.now(),
    };
    const task = new StreamTask(sub, partition, env);
    const txn = eos ? this.transaction(id) : undefined;
    const handle: TaskHandle = {
      task,
      output,
      txn,
      running: false,
      closed: false,
      positions: new Map(),
      committed: new Map(),
      ready: Promise.resolve(false),
    };
    (handle as { ready: Promise<boolean> }).ready = this.initialize(handle).catch((err: unknown) => {
      // A task closed while initialising (revoked, or shutdown) just stops; any other failure is fatal.
      if (!handle.closed) this.deps.onFatal(err);
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
    const checkpoint = takeCheckpoint(task);
    task.initializeStores();
    await restoreTask(task, checkpoint, this.deps.reader, this.deps.metrics);
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
      handle.positions.set(topic, offset);
      handle.committed.set(topic, offset);
      this.deps.consumer().seek({ topic, partition: task.partition, offset: String(offset) });
    }
  }

  private changedOffsets(handle: TaskHandle): TopicOffsets[] {
    const out: TopicOffsets[] = [];
    for (const [topic, offset] of handle.task.consumedOffsets) {
      if (handle.committed.get(topic) === offset) continue;
      out.push({ topic, partitions: [{ partition: handle.task.partition, offset: String(offset) }] });
    }
    return out;
  }

  private async commitTransactional(handle: TaskHandle): Promise<void> {
    const offsets = this.changedOffsets(handle);
    try {
      await (handle.txn as TaskTransaction).commit((handle.output as OutputBuffer).drain(), offsets);
      for (const [topic, offset] of handle.task.consumedOffsets) handle.committed.set(topic, offset);
    } catch (err) {
      if (!(err instanceof TaskMigratedError)) throw err;
      // Fenced or aborted: state and output since the last commit are void. Rebuild from the changelog.
      await this.closeDirty(handle, true);
    }
  }

  private async commitAtLeastOnce(running: TaskHandle[]): Promise<void> {
    await this.flushOutput();
    const offsets = running.flatMap((h) => this.changedOffsets(h).map((o) => ({ handle: h, ...o })));
    if (offsets.length === 0) return;
    const flat = offsets.flatMap((o) =>
      o.partitions.map((p) => ({ topic: o.topic, partition: p.partition, offset: p.offset })),
    );
    try {
      await this.deps.consumer().commitOffsets(flat);
      for (const h of running)
        for (const [topic, offset] of h.task.consumedOffsets) h.committed.set(topic, offset);
    } catch {
      // A rebalance is under way: the group will hand these partitions out again; at-least-once allows the replay.
    }
  }
}

/** kafkajs header values may be arrays or undefined; tasks see the first value of each. */
function normaliseHeaders(headers: IHeaders | undefined): Record<string, Buffer | string> {
  const out: Record<string, Buffer | string> = {};
  if (headers === undefined) return out;
  for (const k in headers) {
    const v = headers[k];
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined) out[k] = value;
  }
  return out;
}
