/**
 * Runs the alerting topology in a `KafkaStreams` instance for the app's
 * lifetime, as the aggregator runs its own: application id `ALERTS_GROUP_ID`
 * (shared by all replicas, so they share the tasks), `exactly_once_v2`. The
 * registry lookups and the join are retried in the background; health shows
 * the state meanwhile.
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createSchemaRegistryClient, type InventoryAlert } from '@eda/events';
import { kafkaLogCreator, kafkaLogSinkFrom, toKafkaJsConfig } from '@eda/kafka';
import { KafkaStreams, StreamsState } from '@eda/streams';
import {
  dashboardConfig,
  kafkaConfig,
  registryConfig,
  type DashboardSettings,
  type KafkaSettings,
  type RegistrySettings,
} from '../config/dashboard.config';
import { DashboardMetrics } from '../metrics/dashboard-metrics';
import { buildAlertsTopology, prepareAlertSerdes } from './alerts-topology';

/** Pause between start-up attempts while the registry or Kafka is unavailable. */
const START_RETRY_MS = 5000;

/** The running alerting topology. */
@Injectable()
export class AlertingStreams implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertingStreams.name);
  private streams: KafkaStreams | undefined;
  private lastError: string | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** True once every task was restored at least once: later rebalances only move tasks. */
  hasRun = false;

  constructor(
    @Inject(dashboardConfig.KEY) private readonly settings: DashboardSettings,
    @Inject(kafkaConfig.KEY) private readonly kafkaSettings: KafkaSettings,
    @Inject(registryConfig.KEY) private readonly registrySettings: RegistrySettings,
    private readonly metrics: DashboardMetrics,
  ) {}

  /** Starts in the background, so the probes answer during the join and restore. */
  onApplicationBootstrap(): void {
    void this.start();
  }

  /** Commits, closes the tasks and leaves the group (the others take the partitions at once). */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.streams?.close();
  }

  /** The engine's state (CREATED until a start attempt got that far) and the last start-up or fatal error. */
  describe(): { state: StreamsState; error?: string } {
    const error = (this.streams?.fatalError as Error | undefined)?.message ?? this.lastError;
    return { state: this.streams?.state ?? StreamsState.CREATED, ...(error ? { error } : {}) };
  }

  /** Tasks (store.inventory partitions) whose alerts this replica raises. */
  get taskCount(): number {
    return this.streams?.localTaskIds().length ?? 0;
  }

  private async start(): Promise<void> {
    const { settings } = this;
    try {
      const registry = createSchemaRegistryClient(this.registrySettings);
      const serdes = await prepareAlertSerdes(registry, settings.topics);
      if (this.closed) return;
      const onAlert = (alert: InventoryAlert) => this.metrics.alerts.inc({ level: alert.level });
      const topology = buildAlertsTopology({ ...settings, onAlert }, serdes);
      // KAFKA_RETRIES is left out: capping a transactional producer's retries could break exactly-once.
      const { retry: _capped, ...client } = toKafkaJsConfig(this.kafkaSettings);
      const streams = new KafkaStreams(topology, {
        'application.id': settings.alerting.groupId,
        'processing.guarantee': 'exactly_once_v2',
        'session.timeout.ms': settings.alerting.sessionTimeoutMs,
        'internal.topics.create': settings.alerting.createInternalTopics,
        // Undecodable snapshots are skipped and counted: the view's consumer already sends them to the DLQ.
        'deserialization.exception.handler': 'continue',
        kafka: { ...client, logCreator: kafkaLogCreator(kafkaLogSinkFrom(this.logger)) },
        logger: { warn: (fields, message) => this.logger.warn({ ...fields, msg: message }) },
      });
      streams.onStateChange((now, before) => {
        this.logger.log(`alerting streams ${before} -> ${now}`);
        if (now === StreamsState.RUNNING) this.hasRun = true;
        if (now === StreamsState.ERROR)
          this.logger.error(`alerting stopped: ${(streams.fatalError as Error)?.message}`);
      });
      this.streams = streams;
      await streams.start();
      this.lastError = undefined;
    } catch (err) {
      this.lastError = (err as Error).message;
      await this.streams?.close().catch(() => undefined);
      this.streams = undefined;
      if (this.closed) return;
      this.logger.error(`alerting not started, retrying in ${START_RETRY_MS} ms: ${this.lastError}`);
      this.retryTimer = setTimeout(() => void this.start(), START_RETRY_MS);
    }
  }
}
