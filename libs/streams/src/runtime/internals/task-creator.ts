import { Partitioners } from 'kafkajs';
import { StreamsFatalError } from '../../errors';
import { StreamTask, TaskEnvironment } from '../../processor/internals/stream-task';
import { SubtopologyDef } from '../../processor/internals/topology-layout';
import { decodePartitionTime } from './offset-metadata';
import { OutputBuffer } from './output-buffer';
import { restoreTask, takeCheckpoint, validateCheckpoint } from './state-restorer';
import { ReviveAttempt, TaskHandle, TaskManagerDeps, TaskTable } from './task-handle';
import { isRecoverable, TaskTransaction } from './task-transaction';

const OUTPUT_BUFFER_RECORDS = 10_000;
/** First wait before reviving a task whose (re-)initialisation hit a retriable error; doubles per attempt. */
const REVIVE_BACKOFF_MS = 500;
const REVIVE_BACKOFF_MAX_MS = 10_000;
/** Kafka Streams' `task.timeout.ms` default: a task failing retriably for longer fails the instance. */
export const TASK_TIMEOUT_MS = 300_000;

/**
 * Creates this instance's tasks and brings them to running, as Kafka Streams'
 * `ActiveTaskCreator` and the task's initialisation do: a new task runs
 * InitProducerId first under exactly-once (fencing the previous owner and
 * settling its open transaction), then restores its stores, then seeks its
 * input partitions to the committed offsets, and only then processes. A task
 * whose initialisation failed retriably is revived with backoff.
 */
export class TaskCreator {
  constructor(
    private readonly deps: TaskManagerDeps,
    private readonly tasks: TaskTable,
  ) {}

  /** Sub-topology owning a task id. */
  subtopologyOf(taskId: string): SubtopologyDef | undefined {
    const id = Number(taskId.split('_')[0]);
    return this.deps.subtopologies.find((s) => s.id === id);
  }

  /**
   * Creates task `id` and registers it in the table at once; its
   * initialisation (InitProducerId under exactly-once, restore, positioning)
   * runs in the background and settles `handle.ready`. A retriable failure
   * schedules a revival with backoff (see {@link reviveDue}); anything else, or
   * failing for longer than `task.timeout.ms`, fails the instance.
   */
  create(id: string, retry?: ReviveAttempt): void {
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
        this.deps.onFatal(taskTimedOut(id, err));
      } else {
        const backoff = Math.min(REVIVE_BACKOFF_MS * 2 ** attempt, REVIVE_BACKOFF_MAX_MS);
        handle.revive = { at: Date.now() + backoff, attempt, failingSince };
      }
      return false;
    });
    this.tasks.handles.set(id, handle);
  }

  /**
   * Revives the tasks whose initialisation failed retriably once their backoff
   * has passed (called on the thread's tick, in its lane). A task that keeps
   * failing for longer than {@link TASK_TIMEOUT_MS} fails the instance.
   */
  async reviveDue(now = Date.now()): Promise<void> {
    for (const handle of [...this.tasks.handles.values()]) {
      const revive = handle.revive;
      if (revive === undefined || handle.closed || now < revive.at) continue;
      await this.tasks.closeDirty(handle, true, {
        attempt: revive.attempt + 1,
        failingSince: revive.failingSince,
      });
    }
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
}

/** A task that kept failing retriably for longer than TASK_TIMEOUT_MS (Kafka Streams' `task.timeout.ms`). */
export function taskTimedOut(taskId: string, err: unknown): StreamsFatalError {
  return new StreamsFatalError(
    `Task ${taskId} kept failing for ${TASK_TIMEOUT_MS} ms (task.timeout.ms): ${(err as Error).message}`,
    err,
  );
}
