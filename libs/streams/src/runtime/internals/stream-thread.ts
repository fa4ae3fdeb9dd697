import { Admin, Consumer, EachBatchPayload, Kafka, Partitioners, Producer } from 'kafkajs';
import { SubtopologyDef } from '../../processor/internals/topology-layout';
import { StreamsMetrics } from '../../telemetry/metrics';
import { ResolvedStreamsConfig } from '../streams-config';
import { OutputBuffer } from './output-buffer';
import { PartitionReader } from './partition-reader';
import { streamsPartitionAssigner } from './streams-assigner';
import { TaskManager } from './task-manager';
import { classifyError, isRecoverable } from './task-transaction';

/** How often the thread checks commit deadlines and wall-clock punctuations when idle. */
/** How long a consumer that died in an outage is restarted before the instance fails (Kafka Streams' task.timeout.ms default). */
const CONSUMER_RESTART_TIMEOUT_MS = 5 * 60_000;
const TICK_MS = 50;
/** Out of the group this long: warned once (a rejoin normally takes a few seconds). */
const OUT_OF_GROUP_WARN_MS = 30_000;

/** Callbacks from the thread to its KafkaStreams instance. */
export interface ThreadListener {
  onRebalance(): void;
  onAssignment(): void;
  onTaskStatus(): void;
  onFatal(err: unknown): void;
}

/**
 * The consumer loop (Kafka Streams' `StreamThread`). Node runs one thread,
 * so one loop drives every task of the instance. All work on tasks (batches,
 * commits, punctuations, reassignment) runs through one promise lane, so no
 * two of them interleave across an `await`.
 */
export class StreamThread {
  readonly tasks: TaskManager;
  private readonly reader: PartitionReader;
  private readonly admin: Admin;
  private producer: Producer | undefined;
  private readonly consumer: Consumer;
  private lane: Promise<unknown> = Promise.resolve();
  private lastCommit = Date.now();
  private commitRequested = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** JoinGroup requests built so far (kafkajs asks the assigner for its metadata once per JoinGroup). */
  private joinRequests = 0;
  /** `joinRequests` when the last join completed (GROUP_JOIN); smaller means a rejoin is under way. */
  private joinedAt = 0;
  /**
   * True from an assignment (GROUP_JOIN) until the consumer leaves the group: a rebalance starts
   * (REBALANCING) or the consumer crashes (CRASH; kafkajs then restarts it, or we do). Readiness
   * requires it: tasks that still run while the consumer is out of the group fetch nothing.
   */
  private member = false;
  /**
   * The member id and generation of the last completed join. kafkajs 2.2.4's
   * GROUP_JOIN payload carries no generation: patches/kafkajs+2.2.4.patch adds
   * it; without it, the first heartbeat after the join confirms it.
   */
  private joined: { memberId: string; generation?: number } | undefined;
  /** When the consumer last left the group (undefined while a member), and whether that was warned. */
  private outOfGroup: { since: number; warned: boolean } | undefined = { since: Date.now(), warned: false };

  constructor(
    kafka: Kafka,
    private readonly config: ResolvedStreamsConfig,
    private readonly subtopologies: SubtopologyDef[],
    metrics: StreamsMetrics,
    private readonly listener: ThreadListener,
  ) {
    const eos = config.guarantee === 'exactly_once_v2';
    this.reader = new PartitionReader(kafka);
    this.admin = kafka.admin();
    const sharedProducer = () =>
      kafka.producer({
        idempotent: true,
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
      });
    this.producer = eos ? undefined : sharedProducer();
    // Changelogs written after the rest of each flush (at-least-once): see StoreBuilder.withLoggingLast.
    const lastTopics = new Set(
      subtopologies.flatMap((s) =>
        s.stores
          .filter((st) => st.builder.loggingEnabled && st.builder.loggedLast)
          .map((st) => `${config.applicationId}-${st.builder.name}-changelog`),
      ),
    );
    const sourceTopics = new Map(subtopologies.map((s) => [s.id, s.sourceTopics]));
    this.consumer = kafka.consumer({
      groupId: config.applicationId,
      partitionAssigners: [
        streamsPartitionAssigner({ sourceTopics }, () => {
          this.joinRequests++;
          return {
            version: 1,
            server: config.applicationServer ?? null,
            tasks: [...this.tasks.handles.keys()],
          };
        }),
      ],
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.floor(config.sessionTimeoutMs / 5),
      readUncommitted: !eos,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    this.tasks = new TaskManager({
      kafka,
      config,
      subtopologies,
      admin: this.admin,
      reader: this.reader,
      metrics,
      consumer: () => this.consumer,
      producer: this.producer,
      sharedOutput: eos
        ? undefined
        : new OutputBuffer(10_000, () => (this.commitRequested = true), undefined, undefined, lastTopics),
      // An idempotent producer whose sequence numbers the broker no longer accepts (after a broker
      // restart) never recovers: kafkajs 2.2.4 does not bump its epoch. Replace it with a new one.
      replaceProducer: async () => {
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = sharedProducer();
        await this.producer.connect();
        return this.producer;
      },
      requestCommit: () => (this.commitRequested = true),
      onTaskStatus: () => listener.onTaskStatus(),
      onFatal: (err) => this.fail(err),
      canCommitOffsets: () => this.joinRequests === this.joinedAt,
      inGroup: () => this.member,
    });
  }

  /** Whether the consumer holds its current assignment (joined, and not rejoining or restarting since). */
  get inGroup(): boolean {
    return this.member;
  }

  /** The consumer, for group membership queries. */
  get groupConsumer(): Consumer {
    return this.consumer;
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.reader.connect(
      this.subtopologies.flatMap((s) => [
        ...s.sourceTopics,
        ...s.stores.map((st) => `${this.config.applicationId}-${st.builder.name}-changelog`),
      ]),
    );
    await this.producer?.connect();
    const { GROUP_JOIN, REBALANCING, CRASH, HEARTBEAT, START_BATCH_PROCESS } = this.consumer.events;
    // A fetch of only transaction markers or aborted records: kafkajs skips the batch callback.
    this.consumer.on(START_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize !== 0 || this.stopped) return;
      const { topic, partition, firstOffset, lastOffset } = payload;
      void this.serial(async () =>
        this.tasks.skipFilteredFetch(topic, partition, Number(firstOffset), Number(lastOffset)),
      );
    });
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      const { generationId } = payload as { generationId?: number };
      this.joined = {
        memberId: payload.memberId,
        ...(generationId === undefined ? {} : { generation: generationId }),
      };
      this.outOfGroup = undefined;
      const ids = new Set<string>();
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const p of partitions) {
          const id = this.tasks.taskIdFor(topic, p);
          if (id !== undefined) ids.add(id);
        }
      }
      this.joinedAt = this.joinRequests;
      this.member = true;
      this.tasks.markRevoked(ids);
      void this.serial(() => this.tasks.assign(ids)).then(
        () => this.listener.onAssignment(),
        (err) => this.fail(err),
      );
    });
    // Revocation. kafkajs 2.2.4 has no onPartitionsRevoked: it rejoins as soon as a heartbeat reports
    // REBALANCE_IN_PROGRESS. What comes closest is committing before our JoinGroup, while the generation
    // is valid and the coordinator (PreparingRebalance) still accepts our offset commits, as Java's eager
    // consumer does in onPartitionsRevoked and kafkajs' autoCommit does. Two places see the rebalance:
    // our batch callback's heartbeat (kafkajs waits for the callback, so the commit precedes our
    // JoinGroup), and kafkajs' own heartbeat between batches (REBALANCING, emitted as it starts
    // rejoining: the commit races the JoinGroup). At-least-once offsets are sent only while no JoinGroup
    // has been built since the last assignment (`canCommitOffsets`, checked synchronously right before
    // kafkajs takes the generation for the OffsetCommit). Such a commit carries the old generation: it is
    // applied if it reaches the coordinator before our JoinGroup (same connection, in order), when the
    // rebalance cannot have completed nor a new owner restored or read offsets, and output and changelog
    // writes were acknowledged before it; otherwise it is rejected (ILLEGAL_GENERATION). A commit with the
    // new generation for a task we lost is never sent (GROUP_JOIN marks it revoked first): it could move
    // the new owner's position past changelog writes it did not restore. A skipped or rejected commit
    // means the new owner reprocesses that tail (duplicates, never loss). Exactly-once commits regardless:
    // per-task transactional ids fence a late commit (see TaskManager.assign).
    // A broker outage can leave kafkajs in the group without a GROUP_JOIN: its JoinGroups fail while the
    // broker is away, then the restarted broker reloads the group from its log, Stable at the generation
    // we last joined, and kafkajs goes on fetching and heartbeating under it. Seen in the fault suite:
    // every task running, the group Stable with our member, yet the instance REBALANCING for good and,
    // at-least-once, no offset ever committed (canCommitOffsets stayed false). A heartbeat the
    // coordinator accepted for that member id and generation proves the assignment still stands.
    this.consumer.on(HEARTBEAT, ({ payload }) => {
      const joined = this.joined;
      if (joined === undefined || payload.memberId !== joined.memberId) return;
      if (this.joinRequests === this.joinedAt) {
        joined.generation ??= payload.groupGenerationId;
        return;
      }
      if (this.member || this.stopped || joined.generation !== payload.groupGenerationId) return;
      this.config.logger.warn(
        { memberId: payload.memberId, generation: payload.groupGenerationId },
        'Rejoining the group failed, but the coordinator still accepts this member at the generation it ' +
          'last joined: keeping that assignment.',
      );
      this.joinedAt = this.joinRequests;
      this.member = true;
      this.outOfGroup = undefined;
      this.listener.onAssignment();
    });
    this.consumer.on(REBALANCING, () => {
      this.leftGroup();
      this.listener.onRebalance();
      void this.serial(() => this.tasks.commitAll()).catch((err: unknown) => this.fail(err));
    });
    this.consumer.on(CRASH, ({ payload }) => {
      if (this.stopped) return;
      // Out of the group until the restarted consumer joins again: not ready meanwhile.
      this.leftGroup();
      this.listener.onRebalance();
      if (payload.restart) return;
      if (classifyError(payload.error) !== 'retriable') {
        this.fail(payload.error);
        return;
      }
      // kafkajs restarts its consumer only after its own retriable errors; an outer
      // retrier's KafkaJSNonRetriableError over a connection error is still an outage.
      void this.serial(() => this.restartConsumer()).catch((err: unknown) => this.fail(err));
    });
    await this.runConsumer();
    this.timer = setInterval(
      () => void this.serial(() => this.tick()).catch((err) => this.fail(err)),
      TICK_MS,
    );
  }

  /**
   * After the consumer died in an outage: drop every task's uncommitted work
   * (the new run re-reads it from the committed offsets, and the tasks are
   * re-created with stores restored from their changelogs), then run the
   * consumer again, with backoff, until the broker answers or
   * CONSUMER_RESTART_TIMEOUT_MS has passed.
   */
  private async restartConsumer(): Promise<void> {
    for (const handle of [...this.tasks.handles.values()]) await this.tasks.closeDirty(handle);
    const deadline = Date.now() + CONSUMER_RESTART_TIMEOUT_MS;
    for (let delay = 500; !this.stopped; delay = Math.min(delay * 2, 10_000)) {
      await new Promise((r) => setTimeout(r, delay));
      try {
        await this.runConsumer();
        return;
      } catch (err) {
        if (classifyError(err) !== 'retriable' || Date.now() > deadline) throw err;
      }
    }
  }

  private async runConsumer(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...new Set(this.subtopologies.flatMap((s) => s.sourceTopics))],
      fromBeginning: true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      // Group errors (rebalance, lost membership) and retriable ones (broker away, e.g. on heartbeat)
      // go back to kafkajs, which retries, then restarts the consumer and rejoins; any other error is
      // fatal for the instance (Kafka Streams' default uncaught-exception response).
      eachBatch: (payload) =>
        this.serial(() => this.onBatch(payload)).catch((err: unknown) => {
          if (isGroupMembershipError(err) || classifyError(err) === 'retriable') throw err;
          this.fail(err);
        }),
    });
  }

  /** Stops consuming, commits, closes tasks and disconnects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    // Commit while the consumer still runs: kafkajs cannot commit offsets once stopped.
    await this.serial(() => this.tasks.closeAll()).catch((err: unknown) => this.listener.onFatal(err));
    await this.consumer.stop().catch(() => undefined);
    await this.consumer.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.reader.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  /** Admin client of this instance (for group descriptions). */
  get adminClient(): Admin {
    return this.admin;
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (this.stopped) return;
    const handle = await this.tasks.ready(batch.topic, batch.partition);
    if (!handle) return;
    try {
      await this.tasks.processBatch(handle, batch, { resolveOffset, isRunning, isStale });
    } catch (err) {
      if (!isRecoverable(err)) throw err;
      await this.tasks.closeDirty(handle, true);
    }
    await this.maybeCommit();
    try {
      await heartbeat();
    } catch (err) {
      // The rebalance was seen here, inside our batch callback: kafkajs rejoins only after we
      // rethrow, so this commit always precedes our JoinGroup.
      if (isRebalancing(err)) await this.tasks.commitAll();
      throw err;
    }
  }

  /** The consumer left the group (a rebalance, or a crash): not a member until it joins again. */
  private leftGroup(): void {
    this.member = false;
    this.outOfGroup ??= { since: Date.now(), warned: false };
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    const out = this.outOfGroup;
    if (out !== undefined && !out.warned && now - out.since >= OUT_OF_GROUP_WARN_MS) {
      out.warned = true;
      this.config.logger.warn(
        {
          groupId: this.config.applicationId,
          outOfGroupMs: now - out.since,
          joinRequests: this.joinRequests,
        },
        'Not a member of the consumer group for 30 s: the instance stays REBALANCING (not ready) until it ' +
          'joins. Check that the brokers and the group coordinator are reachable.',
      );
    }
    await this.tasks.reviveDue(now);
    for (const h of this.tasks.handles.values()) if (h.running && !h.revoked) h.task.punctuateWallClock(now);
    await this.maybeCommit();
  }

  private async maybeCommit(): Promise<void> {
    if (this.commitRequested || Date.now() - this.lastCommit >= this.config.commitIntervalMs) {
      this.commitRequested = false;
      this.lastCommit = Date.now();
      await this.tasks.commitAll();
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn);
    this.lane = run.catch(() => undefined);
    return run;
  }

  private fail(err: unknown): void {
    if (this.stopped) return;
    this.listener.onFatal(err);
  }
}

const GROUP_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'NOT_COORDINATOR',
]);

/** kafkajs' `isRebalancing`: the member must rejoin before it can commit or heartbeat again. */
function isRebalancing(err: unknown): boolean {
  const type = (err as { type?: string }).type;
  return (
    type === 'REBALANCE_IN_PROGRESS' || type === 'ILLEGAL_GENERATION' || type === 'NOT_COORDINATOR_FOR_GROUP'
  );
}

function isGroupMembershipError(err: unknown): boolean {
  const type = (err as { type?: string }).type;
  return type !== undefined && GROUP_ERRORS.has(type);
}
