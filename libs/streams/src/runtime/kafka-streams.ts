import { AssignerProtocol, Kafka, logLevel, Partitioners } from 'kafkajs';
import { InvalidStateStoreError, StreamsError, StreamsFatalError } from '../errors';
import { SubtopologyDef } from '../processor/internals/topology-layout';
import { Topology } from '../processor/topology';
import { Serde } from '../serdes/serde';
import { ReadOnlyKeyValueStore, ReadOnlyWindowStore } from '../state/stores';
import { StreamsMetrics } from '../telemetry/metrics';
import {
  ensureInternalTopics,
  planTopics,
  TopicPlan,
  verifyDeadLetterTopic,
} from './internals/internal-topics';
import { decodeSubscription } from './internals/streams-assigner';
import { StreamThread } from './internals/stream-thread';
import { compositeKeyValueStore, compositeWindowStore } from './interactive-queries';
import { resolveStreamsConfig, ResolvedStreamsConfig, StreamsConfig } from './streams-config';
import { StateListener, StreamsState, StreamsStateMachine } from './streams-state';

/** Where a key lives: the partition and the instance (its `application.server`) hosting it. */
export interface KeyQueryMetadata {
  /** `host:port` of the instance that owns the key's partition, or undefined if unknown. */
  readonly activeHost: string | undefined;
  readonly partition: number;
}

/**
 * Runs a {@link Topology} against Kafka: one task per input partition,
 * changelog-backed stores restored before processing, commits at
 * `commit.interval.ms`, and under `exactly_once_v2` one transaction per task
 * per commit.
 *
 * @example
 * ```ts
 * const streams = new KafkaStreams(builder.build(), {
 *   'application.id': 'inventory-aggregator',
 *   'bootstrap.servers': '127.0.0.1:9092',
 *   'processing.guarantee': 'exactly_once_v2',
 *   'application.server': 'inventory-0.inventory:3002',
 * });
 * streams.onStateChange((now) => console.log('streams', now));
 * await streams.start();
 * process.once('SIGTERM', () => void streams.close());
 * ```
 */
export class KafkaStreams {
  private readonly config: ResolvedStreamsConfig;
  private readonly stateMachine = new StreamsStateMachine();
  private readonly streamsMetrics: StreamsMetrics;
  private readonly kafka: Kafka;
  private subtopologies: SubtopologyDef[] = [];
  private plan: TopicPlan | undefined;
  private thread: StreamThread | undefined;
  private hostsByTask = new Map<string, string>();
  private joined = false;
  private fatal: unknown;

  constructor(
    private readonly topology: Topology,
    config: StreamsConfig,
  ) {
    this.config = resolveStreamsConfig(config);
    this.streamsMetrics = new StreamsMetrics(this.config.applicationId);
    this.kafka = new Kafka({
      clientId: this.config.applicationId,
      logLevel: logLevel.WARN,
      ...this.config.kafka,
      brokers: this.config.brokers,
    });
  }

  /** Current state. Ready (for a health check) means RUNNING. */
  get state(): StreamsState {
    return this.stateMachine.state;
  }

  /** The error that moved the instance to ERROR, if any. */
  get fatalError(): unknown {
    return this.fatal;
  }

  /** Registers a listener for every state change. */
  onStateChange(listener: StateListener): void {
    this.stateMachine.addListener(listener);
  }

  /**
   * Checks co-partitioning and the dead-letter topic (it must exist:
   * `DeadLetterTopicError`), creates or verifies internal topics, joins the
   * group and starts processing. Resolves once the consumer runs; the state
   * becomes RUNNING when every assigned task has restored.
   */
  async start(): Promise<void> {
    this.stateMachine.transition(StreamsState.REBALANCING, true);
    try {
      this.subtopologies = this.topology.subtopologies(this.config.applicationId);
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        this.plan = await planTopics(admin, this.subtopologies, this.config.applicationId);
        const dlq = this.config.deadLetterQueue?.topic;
        if (dlq !== undefined) await verifyDeadLetterTopic(admin, dlq, this.subtopologies);
        await ensureInternalTopics(
          admin,
          this.plan.internalTopics,
          this.config.createInternalTopics,
          this.config.replicationFactor,
        );
      } finally {
        await admin.disconnect();
      }
      this.thread = new StreamThread(this.kafka, this.config, this.subtopologies, this.streamsMetrics, {
        onRebalance: () => this.stateMachine.transition(StreamsState.REBALANCING),
        onAssignment: () => {
          this.joined = true;
          void this.refreshHosts();
          this.updateReadiness();
        },
        onTaskStatus: () => this.updateReadiness(),
        onFatal: (err) => this.onFatal(err),
      });
      await this.thread.start();
    } catch (err) {
      this.onFatal(err);
      throw err;
    }
  }

  /** Commits, flushes and closes every task, leaves the group and disconnects. */
  async close(): Promise<void> {
    if (this.state === StreamsState.NOT_RUNNING || this.state === StreamsState.PENDING_SHUTDOWN) return;
    this.stateMachine.transition(StreamsState.PENDING_SHUTDOWN);
    await this.thread?.stop();
    this.stateMachine.transition(StreamsState.NOT_RUNNING);
  }

  /** Read-only view of a key-value store across this instance's tasks. Requires RUNNING. */
  keyValueStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    return compositeKeyValueStore<K, V>(() => this.localStores(name));
  }

  /** Read-only view of a window store across this instance's tasks. Requires RUNNING. */
  windowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    return compositeWindowStore<K, V>(() => this.localStores(name));
  }

  /**
   * Which instance hosts `key` of `storeName`: the key's partition is found
   * with Kafka's default (murmur2) partitioner, as the producer wrote it, and
   * its task's owner from the group's current assignment.
   */
  queryMetadataForKey<K>(storeName: string, key: K, keySerde: Serde<K>): KeyQueryMetadata {
    const sub = this.subtopologies.find((s) => s.stores.some((st) => st.builder.name === storeName));
    if (!sub || !this.plan)
      throw new InvalidStateStoreError(`Unknown store '${storeName}' (or the instance is not started).`);
    const count = this.plan.partitionsBySubtopology.get(sub.id) ?? 1;
    const partitioner = Partitioners.DefaultPartitioner();
    const partition = partitioner({
      topic: sub.sourceTopics[0] as string,
      partitionMetadata: Array.from({ length: count }, (_, i) => ({
        partitionId: i,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      })),
      message: { key: keySerde.serialize(key, sub.sourceTopics[0] as string), value: null },
    });
    return { activeHost: this.hostsByTask.get(`${sub.id}_${partition}`), partition };
  }

  /** Task ids running on this instance. */
  localTaskIds(): string[] {
    return [...(this.thread?.tasks.handles.values() ?? [])].filter((h) => h.running).map((h) => h.task.id);
  }

  /** Local metric totals (the same numbers go to OpenTelemetry). */
  metrics(): Record<string, number> {
    return this.streamsMetrics.snapshot();
  }

  /** Local histograms (`streams.commit.duration`, `streams.restore.duration`; milliseconds). */
  histograms(): ReturnType<StreamsMetrics['histograms']> {
    return this.streamsMetrics.histograms();
  }

  /** Dropped records by reason (`duplicate`, `late`, `deserialization`, ...). */
  droppedByReason(): Record<string, number> {
    return this.streamsMetrics.droppedRecords.totalsByReason;
  }

  /** Re-reads which instance owns which task, from the group's member metadata and assignments. */
  async refreshHosts(): Promise<void> {
    const admin = this.thread?.adminClient;
    if (!admin) return;
    const { groups } = await admin.describeGroups([this.config.applicationId]).catch(() => ({ groups: [] }));
    const next = new Map<string, string>();
    for (const member of groups[0]?.members ?? []) {
      const server = decodeSubscription(member.memberMetadata)?.server;
      const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {};
      if (!server) continue;
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const p of partitions) {
          const id = this.thread?.tasks.taskIdFor(topic, p);
          if (id !== undefined) next.set(id, server);
        }
      }
    }
    this.hostsByTask = next;
  }

  private localStores(name: string): unknown[] {
    if (this.state !== StreamsState.RUNNING) {
      throw new InvalidStateStoreError(
        `Store '${name}' is not queryable while the instance is ${this.state}; retry when RUNNING.`,
        true,
      );
    }
    const stores = [...(this.thread?.tasks.handles.values() ?? [])]
      .filter((h) => h.running)
      .map((h) => h.task.stores.get(name))
      .filter((s) => s !== undefined);
    if (
      stores.length === 0 &&
      !this.subtopologies.some((s) => s.stores.some((st) => st.builder.name === name))
    ) {
      throw new InvalidStateStoreError(`No store named '${name}' in this topology.`);
    }
    return stores;
  }

  private updateReadiness(): void {
    if (!this.thread || !this.joined) return;
    const state = this.state;
    if (state !== StreamsState.REBALANCING && state !== StreamsState.RUNNING) return;
    this.stateMachine.transition(
      this.thread.inGroup && this.thread.tasks.allRunning ? StreamsState.RUNNING : StreamsState.REBALANCING,
    );
  }

  /** The first fatal error is kept: later ones (e.g. from the shutdown it triggers) would only mask it. */
  private onFatal(err: unknown): void {
    if (this.fatal !== undefined) return;
    this.fatal =
      err instanceof StreamsError
        ? err
        : new StreamsFatalError(`Stream processing failed: ${(err as Error).message}`, err);
    if (this.stateMachine.transition(StreamsState.ERROR)) void this.thread?.stop();
  }
}
