/**
 * The Kafka backend: `ItemTransaction`s to the items topic, keyed by storeId,
 * Avro-encoded through the registry (never auto-registering), by an
 * idempotent producer with acks=all.
 *
 * Start-up never crashes on a missing dependency: the producer connects in
 * the background and retries, and a missing schema or an unreachable
 * registry shows on `/health/ready` with what to do about it.
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AvroSerde, createSchemaRegistryClient, inventorySchemas, type ItemTransaction } from '@eda/events';
import {
  ACKS_ALL,
  BackgroundConnector,
  ClientStateProbe,
  createIdempotentProducer,
  createKafkaClient,
  describeKafkaConfig,
  kafkaLogSinkFrom,
} from '@eda/kafka';
import { injectTraceContext } from '@eda/app-runtime';
import type { Admin, Kafka, Producer } from 'kafkajs';
import {
  kafkaConfig,
  registryConfig,
  simulatorConfig,
  type KafkaSettings,
  type RegistrySettings,
  type SimulatorSettings,
} from '../config/simulator.config';
import type { TransactionPublisher } from './transaction-publisher';

/** Sends transactions to the items topic. */
@Injectable()
export class KafkaTransactionPublisher
  implements TransactionPublisher, OnApplicationBootstrap, OnApplicationShutdown
{
  readonly backend = 'kafka' as const;
  readonly destination: string;
  /** Used by the readiness check (`describeCluster`). */
  readonly admin: Admin;
  /** The producer's lifecycle, for the readiness check. */
  readonly producerState: ClientStateProbe;
  private readonly logger = new Logger(KafkaTransactionPublisher.name);
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly serde: AvroSerde<ItemTransaction>;
  /** Connects once, retrying in the background while Kafka is unreachable. */
  private readonly connector: BackgroundConnector;

  constructor(
    @Inject(kafkaConfig.KEY) private readonly kafkaSettings: KafkaSettings,
    @Inject(registryConfig.KEY) registry: RegistrySettings,
    @Inject(simulatorConfig.KEY) settings: SimulatorSettings,
  ) {
    this.destination = settings.itemsTopic;
    this.kafka = createKafkaClient(kafkaSettings, { logger: kafkaLogSinkFrom(this.logger) });
    this.producer = createIdempotentProducer(this.kafka);
    this.connector = new BackgroundConnector(this.producer, {
      onError: (err) =>
        this.logger.error(
          `Kafka producer cannot connect (${describeKafkaConfig(kafkaSettings)}): ${err.message}`,
        ),
    });
    this.producerState = ClientStateProbe.forProducer(this.producer);
    // One attempt per readiness probe: the probe is the retry loop.
    this.admin = this.kafka.admin({ retry: { retries: 0 } });
    this.serde = new AvroSerde<ItemTransaction>({
      registry: createSchemaRegistryClient(registry),
      schema: inventorySchemas.ItemTransaction,
      autoRegister: false,
    });
  }

  /** Connects in the background and reports the schema's state once, so a bad deploy shows in the log at start. */
  onApplicationBootstrap(): void {
    this.logger.log(`Kafka backend: topic ${this.destination}, ${describeKafkaConfig(this.kafkaSettings)}`);
    this.connector.start();
    void this.verifySchema().catch((err: Error) => this.logger.error(`Not ready to produce: ${err.message}`));
  }

  /** Sends `batch` with acks=all; records keyed by storeId carry the active trace context. */
  async publish(batch: readonly ItemTransaction[]): Promise<void> {
    await this.connector.connect();
    const values = await Promise.all(batch.map((tx) => this.serde.encode(this.destination, tx)));
    const headers = injectTraceContext({});
    await this.producer.send({
      topic: this.destination,
      acks: ACKS_ALL,
      messages: batch.map((tx, i) => ({
        key: tx.storeId,
        value: values[i] as Buffer,
        headers: { ...headers },
      })),
    });
  }

  /**
   * Resolves when the items schema is registered under the topic's subject;
   * rejects with `SchemaNotRegisteredError` (run `npm run schemas:deploy`) or
   * `RegistryUnavailableError`. Free once it has succeeded: the serde caches the id.
   */
  async verifySchema(): Promise<{ subject: string }> {
    const { subject } = await this.serde.resolveWriterSchema(this.destination);
    return { subject };
  }

  /** Flushes and disconnects; kafkajs waits for in-flight requests. */
  async onApplicationShutdown(): Promise<void> {
    this.connector.close();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}
