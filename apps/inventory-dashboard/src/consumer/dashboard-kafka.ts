/**
 * The dashboard's Kafka side, in one place: the process's `Kafka` client, the
 * idempotent producer (retry topics, DLQs, alerts), the admin (health, start-up
 * watermarks), the serdes, and the transport server Nest runs the handlers on.
 *
 * Shutdown order (Nest `app.close()`): `beforeApplicationShutdown` ends retry
 * waits; Nest then closes the transport, which stops the consumer (kafkajs
 * waits for the in-flight handler), commits the processed offsets, and
 * disconnects; `onApplicationShutdown` finally flushes and disconnects the
 * producer the handlers used.
 */
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { CustomStrategy } from '@nestjs/microservices';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  type ItemInventory,
  type StoreInventory,
  type StoreSalesWindow,
} from '@eda/events';
import {
  ClientStateProbe,
  ConsumerProgress,
  createIdempotentProducer,
  createKafkaClient,
  describeKafkaConfig,
  FailedRecordRouter,
  kafkaLogSinkFrom,
  OffsetCommitter,
  RetryTopology,
} from '@eda/kafka';
import {
  dashboardConfig,
  kafkaConfig,
  registryConfig,
  type DashboardSettings,
  type KafkaSettings,
  type RegistrySettings,
} from '../config/dashboard.config';
import { retryTopologyOf } from '../config/kafka-access';
import { DashboardMetrics } from '../metrics/dashboard-metrics';
import { AvroRecordDeserializer } from './avro-record.deserializer';
import { DashboardKafkaServer } from './dashboard-kafka-server';
import { DashboardEvents } from './inbound-record';
import { RecordProcessor } from './record-processor';
import { TopicRoutes } from './topic-routes';

/** Owns the clients; provides the transport strategy and the record processor. */
@Injectable()
export class DashboardKafka implements BeforeApplicationShutdown, OnApplicationShutdown {
  readonly kafka: Kafka;
  /** Sends retries, dead letters and alerts. */
  readonly producer: Producer;
  readonly producerState: ClientStateProbe;
  /** Used by readiness (`describeCluster`) and the start-up watermarks; no retries, the probe is the loop. */
  readonly admin: Admin;
  readonly topology: RetryTopology;
  readonly routes: TopicRoutes;
  readonly progress = new ConsumerProgress();
  readonly processor: RecordProcessor;
  private readonly committer: OffsetCommitter;
  private consumerProbe: ClientStateProbe | undefined;
  private readonly logger = new Logger(DashboardKafka.name);

  constructor(
    @Inject(dashboardConfig.KEY) private readonly settings: DashboardSettings,
    @Inject(kafkaConfig.KEY) private readonly kafkaSettings: KafkaSettings,
    @Inject(registryConfig.KEY) private readonly registrySettings: RegistrySettings,
    metrics: DashboardMetrics,
  ) {
    this.kafka = createKafkaClient(kafkaSettings, { logger: kafkaLogSinkFrom(this.logger) });
    this.producer = createIdempotentProducer(this.kafka);
    this.producerState = ClientStateProbe.forProducer(this.producer);
    this.admin = this.kafka.admin({ retry: { retries: 0 } });
    this.topology = retryTopologyOf(settings);
    this.routes = new TopicRoutes(settings.topics, this.topology);
    const router = new FailedRecordRouter(this.producer, this.topology, settings.groupId);
    this.committer = new OffsetCommitter(settings.commitIntervalMs, 5000, (err) =>
      this.logger.warn(`Offset commit failed, retrying with the next one: ${err.message}`),
    );
    this.processor = new RecordProcessor(router, settings.groupId, this.progress, metrics, this.committer);
  }

  /** The consumer's lifecycle (idle until the transport creates it). */
  get consumerState(): ClientStateProbe {
    return this.consumerProbe ?? new ClientStateProbe();
  }

  /** The transport strategy for `app.connectMicroservice`. */
  transport(): CustomStrategy {
    const registry = createSchemaRegistryClient(this.registrySettings);
    const serde = <T>(schema: (typeof inventorySchemas)[keyof typeof inventorySchemas]) =>
      new AvroSerde<T>({ registry, schema, autoRegister: false });
    const deserializer = new AvroRecordDeserializer(this.routes, {
      [DashboardEvents.STORE_INVENTORY]: serde<StoreInventory>(inventorySchemas.StoreInventory),
      [DashboardEvents.ITEM_INVENTORY]: serde<ItemInventory>(inventorySchemas.ItemInventory),
      [DashboardEvents.STORE_SALES]: serde<StoreSalesWindow>(inventorySchemas.StoreSalesWindow),
    });
    const server = new DashboardKafkaServer(
      {
        consumer: {
          groupId: this.settings.groupId,
          allowAutoTopicCreation: false,
          // Stopping waits for the fetch in flight; an idle fetch returns after this (default 5 s).
          maxWaitTimeInMs: 1000,
        },
        run: { autoCommit: false },
        deserializer,
      },
      {
        kafka: this.kafka,
        topics: this.routes.subscriptions(),
        beforeStart: () => this.beforeConsuming(),
        onConsumer: (consumer: Consumer) => {
          this.consumerProbe = ClientStateProbe.forConsumer(consumer);
          this.progress.attach(consumer);
          this.committer.start(consumer);
        },
        afterStop: async (consumer: Consumer) => {
          this.committer.stop();
          await this.committer
            .flush(consumer)
            .catch((err: Error) =>
              this.logger.error(`Final offset commit failed; the next start replays anyway: ${err.message}`),
            );
        },
      },
    );
    return { strategy: server };
  }

  /** Ends retry waits, so the transport's disconnect is not held up by a backoff. */
  beforeApplicationShutdown(): void {
    this.processor.stop();
  }

  /** After the transport closed (handlers drained, offsets committed): flush the producer. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private async beforeConsuming(): Promise<void> {
    this.logger.log(
      `Consuming ${this.routes.subscriptions().join(', ')} as group ${this.settings.groupId} ` +
        `(${describeKafkaConfig(this.kafkaSettings)})`,
    );
    await this.producer.connect();
    await this.admin.connect();
    await this.progress.start(this.admin, this.routes.inputTopics());
  }
}
