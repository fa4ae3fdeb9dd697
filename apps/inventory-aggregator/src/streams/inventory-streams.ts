/**
 * Hosts the inventory topology in a `KafkaStreams` instance for the app's
 * lifetime. Start-up never crashes on a missing dependency: the registry
 * lookups and the group join are retried in the background, and until the
 * instance is RUNNING (every assigned task restored) readiness says why not.
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createSchemaRegistryClient } from '@eda/events';
import { createKafkaClient, kafkaLogCreator, kafkaLogSinkFrom, toKafkaJsConfig } from '@eda/kafka';
import {
  KafkaStreams,
  Serdes,
  StreamsState,
  type KeyQueryMetadata,
  type ReadOnlyKeyValueStore,
  type ReadOnlyWindowStore,
} from '@eda/streams';
import {
  aggregatorConfig,
  kafkaConfig,
  registryConfig,
  type AggregatorSettings,
  type KafkaSettings,
  type RegistrySettings,
} from '../config/aggregator.config';
import { prepareInventorySerdes } from '../serdes/avro-streams-serde';
import { aggregatorFailureHeaders } from './dead-letter-headers';
import { buildInventoryTopology } from '../topology/inventory-topology';
import { StreamsLag, type TaskInput, type TaskLag } from './streams-lag';
import { EdaError } from '@eda/base';

/** Why the instance is not serving yet, for readiness and logs. */
export type StartupPhase = 'resolving-schemas' | 'joining' | 'started' | 'failed' | 'closed';

/** The running topology and its interactive-query surface. */
@Injectable()
export class InventoryStreams implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InventoryStreams.name);
  private streams: KafkaStreams | undefined;
  private phase: StartupPhase = 'resolving-schemas';
  private lastError: string | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Input topics of each sub-topology (resolved names), for the per-task lag. */
  private inputsBySubtopology = new Map<number, readonly string[]>();
  private lag: StreamsLag | undefined;
  private readonly appliedListeners: Array<(eventTime: number) => void> = [];

  constructor(
    @Inject(aggregatorConfig.KEY) private readonly settings: AggregatorSettings,
    @Inject(kafkaConfig.KEY) private readonly kafkaSettings: KafkaSettings,
    @Inject(registryConfig.KEY) private readonly registrySettings: RegistrySettings,
  ) {}

  /** Starts in the background, so the HTTP probes answer during restore. */
  onApplicationBootstrap(): void {
    void this.start();
  }

  /** Commits, closes tasks and leaves the group (the partitions move at once, not after a session timeout). */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.phase = 'closed';
    await this.streams?.close();
    await this.lag?.close();
  }

  /** The engine's state (CREATED until the first start attempt got that far). */
  get state(): StreamsState {
    return this.streams?.state ?? StreamsState.CREATED;
  }

  /** Start-up phase and the last start-up or fatal error, for readiness. */
  describe(): { phase: StartupPhase; state: StreamsState; error?: string } {
    const fatal = this.streams?.fatalError as Error | undefined;
    const error = fatal?.message ?? this.lastError;
    return { phase: this.phase, state: this.state, ...(error ? { error } : {}) };
  }

  /** True once every assigned task has restored its stores and processes. */
  get running(): boolean {
    return this.state === StreamsState.RUNNING;
  }

  /** `host:port` this instance advertises. */
  get applicationServer(): string {
    return this.settings.applicationServer;
  }

  /** Local key-value store view; throws a retriable `InvalidStateStoreError` unless RUNNING. */
  keyValueStore<V>(name: string): ReadOnlyKeyValueStore<string, V> {
    return this.require().keyValueStore<string, V>(name);
  }

  /** Local window store view; throws a retriable `InvalidStateStoreError` unless RUNNING. */
  windowStore<V>(name: string): ReadOnlyWindowStore<string, V> {
    return this.require().windowStore<string, V>(name);
  }

  /** Which instance owns `key` of `store` (string keys, partitioned as the producer did). */
  ownerOf(store: string, key: string): KeyQueryMetadata {
    return this.require().queryMetadataForKey(store, key, Serdes.String());
  }

  /** The engine's metric totals (processed, dropped, restored, commits, ...). */
  metrics(): Record<string, number> {
    return this.streams?.metrics() ?? {};
  }

  /** Dropped records by reason (`duplicate`, `late`, `deserialization`, ...). */
  droppedByReason(): Record<string, number> {
    return this.streams?.droppedByReason() ?? {};
  }

  /** Commit and restore latency histograms (milliseconds), empty before the engine exists. */
  histograms(): ReturnType<KafkaStreams['histograms']> | Record<string, never> {
    return this.streams?.histograms() ?? {};
  }

  /** Calls `listener` with each transaction's event time as its store's stock (queryable) takes it in. */
  onStoreStockApplied(listener: (eventTime: number) => void): void {
    this.appliedListeners.push(listener);
  }

  /** Ids of the tasks this instance runs (restored and processing). */
  localTaskIds(): string[] {
    return this.streams?.localTaskIds() ?? [];
  }

  /** The input partitions of the tasks this instance runs. */
  taskInputs(): TaskInput[] {
    return this.localTaskIds().flatMap((task) => {
      const [sub, partition] = task.split('_').map(Number);
      return (this.inputsBySubtopology.get(sub ?? -1) ?? []).map((topic) => ({
        task,
        topic,
        partition: partition ?? 0,
      }));
    });
  }

  /** How far behind its input each local task is (see `StreamsLag`). */
  taskLag(): Promise<TaskLag[]> {
    this.lag ??= new StreamsLag(
      createKafkaClient(this.kafkaSettings, { logger: kafkaLogSinkFrom(this.logger) }),
      this.settings.applicationId,
    );
    return this.lag.read(this.taskInputs());
  }

  private require(): KafkaStreams {
    if (!this.streams) throw new StreamsNotStartedError(this.phase);
    return this.streams;
  }

  private async start(): Promise<void> {
    const { settings } = this;
    try {
      this.phase = 'resolving-schemas';
      const registry = createSchemaRegistryClient(this.registrySettings);
      const serdes = await prepareInventorySerdes(registry, settings.topics);
      if (this.closed) return;
      this.phase = 'joining';
      const topology = buildInventoryTopology(
        { ...settings, onStoreStockApplied: (t) => this.appliedListeners.forEach((l) => l(t)) },
        serdes,
      );
      this.inputsBySubtopology = new Map(
        topology
          .subtopologies(settings.applicationId)
          .map((sub) => [sub.id, [...new Set([...sub.sourceTopics, ...sub.internalSourceTopics])]] as const),
      );
      const streams = new KafkaStreams(topology, {
        'application.id': settings.applicationId,
        'processing.guarantee': settings.processingGuarantee,
        'application.server': settings.applicationServer,
        'internal.topics.create': settings.createInternalTopics,
        'deserialization.exception.handler': settings.deserializationErrors,
        // The DLQ is checked (it must exist) only when it is written: `continue` and `fail` need no grant on it.
        ...(settings.deserializationErrors === 'dead-letter'
          ? {
              'errors.dead.letter.queue.topic.name': settings.deadLetterTopic,
              'errors.dead.letter.queue.headers': aggregatorFailureHeaders,
            }
          : {}),
        ...(settings.commitIntervalMs === undefined
          ? {}
          : { 'commit.interval.ms': settings.commitIntervalMs }),
        // The engine's kafkajs clients log into this app's structured log, routine entries at debug.
        kafka: {
          ...streamsClientConfig(this.kafkaSettings),
          logCreator: kafkaLogCreator(kafkaLogSinkFrom(this.logger)),
        },
        // The engine's warnings (a late sale dropped, with the stream time that closed its window).
        logger: { warn: (fields, message) => this.logger.warn({ ...fields, msg: message }) },
      });
      streams.onStateChange((now, before) => {
        this.logger.log(`streams ${before} -> ${now}`);
        if (now === StreamsState.ERROR) {
          this.phase = 'failed';
          this.logger.error(`stream processing stopped: ${(streams.fatalError as Error)?.message}`);
        }
      });
      this.streams = streams;
      await streams.start();
      this.phase = 'started';
      this.lastError = undefined;
      this.logger.log(
        `processing ${settings.topics.items} as ${settings.applicationId} (${settings.processingGuarantee}, ` +
          `undecodable input: ${settings.deserializationErrors}` +
          `${settings.deserializationErrors === 'dead-letter' ? ` to ${settings.deadLetterTopic}` : ''}), ` +
          `serving queries as ${settings.applicationServer}`,
      );
    } catch (err) {
      this.lastError = (err as Error).message;
      this.streams = undefined;
      if (this.closed) return;
      this.logger.error(`not started, retrying in ${settings.startRetryMs} ms: ${this.lastError}`);
      this.retryTimer = setTimeout(() => void this.start(), settings.startRetryMs);
    }
  }
}

/**
 * Connection, TLS and SASL settings for the engine's clients, without
 * `KAFKA_RETRIES`: the engine's transactional producers are idempotent, and
 * capping their retries could break exactly-once (kafkajs warns about it);
 * the engine keeps its own retry policy.
 */
function streamsClientConfig(settings: KafkaSettings) {
  const { retry: _capped, ...config } = toKafkaJsConfig(settings);
  return config;
}

/** Queries before the engine exists. Retriable: the instance is still starting. */
export class StreamsNotStartedError extends EdaError {
  constructor(phase: StartupPhase) {
    super('EDA_AGGREGATOR_NOT_STARTED', `The aggregator is still starting (${phase}); retry shortly.`, {
      retriable: true,
    });
  }
}
