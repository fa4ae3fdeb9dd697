/**
 * Produces bridged transactions to the items topic: Avro through the
 * registry (never auto-registering), keyed by storeId as the simulator keys
 * them, by an idempotent producer with acks=all.
 *
 * `ServerMQ` hands every message of a batch to the handler at once; the
 * handlers' {@link ItemsProducer.send} calls made in the same turn of the
 * event loop are coalesced into one produce request (like the Java
 * producer's linger), and each call resolves when Kafka acknowledged its
 * request. Only then may the MQ unit of work commit.
 *
 * The producer connects in the background at start-up and retries, so a
 * Kafka outage shows on `/health/ready` rather than crashing the app.
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
import { MqPoisonMessageException, MqSinkUnavailableException } from '@eda/mq';
import { extractTraceContext, type MessageHeaders } from '@eda/app-runtime';
import { context } from '@opentelemetry/api';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import {
  bridgeConfig,
  kafkaConfig,
  registryConfig,
  type BridgeSettings,
  type KafkaSettings,
  type RegistrySettings,
} from '../config/bridge.config';
import { isRecordFault, kafkaSendFailure } from './kafka-send-failure';

interface Pending {
  readonly message: Message;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** See the module comment. */
@Injectable()
export class ItemsProducer implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Used by the readiness check. */
  readonly admin: Admin;
  /** The producer's lifecycle, for the readiness check. */
  readonly producerState: ClientStateProbe;
  readonly topic: string;
  private readonly logger = new Logger(ItemsProducer.name);
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly serde: AvroSerde<ItemTransaction>;
  private pending: Pending[] = [];
  private flushScheduled = false;
  /** Connects once, retrying in the background while Kafka is unreachable. */
  private readonly connector: BackgroundConnector;

  constructor(
    @Inject(kafkaConfig.KEY) private readonly kafkaSettings: KafkaSettings,
    @Inject(registryConfig.KEY) registry: RegistrySettings,
    @Inject(bridgeConfig.KEY) settings: BridgeSettings,
  ) {
    this.topic = settings.itemsTopic;
    this.kafka = createKafkaClient(kafkaSettings, { logger: kafkaLogSinkFrom(this.logger) });
    this.producer = createIdempotentProducer(this.kafka);
    this.connector = new BackgroundConnector(this.producer, {
      onError: (err) =>
        this.logger.error(
          `Kafka producer cannot connect (${describeKafkaConfig(kafkaSettings)}): ${err.message}`,
        ),
    });
    this.producerState = ClientStateProbe.forProducer(this.producer);
    this.admin = this.kafka.admin({ retry: { retries: 0 } });
    this.serde = new AvroSerde<ItemTransaction>({
      registry: createSchemaRegistryClient(registry),
      schema: inventorySchemas.ItemTransaction,
      // ITEMS_SUBJECT names the subject (TopicNameStrategy gives `items-value` for `items`).
      subjectNameStrategy: () => settings.itemsSubject,
      autoRegister: false,
    });
  }

  /** Connects in the background; logs once if the schema is missing. */
  onApplicationBootstrap(): void {
    this.logger.log(`Producing to ${this.topic}, ${describeKafkaConfig(this.kafkaSettings)}`);
    this.connector.start();
    void this.verifySchema().catch((err: Error) => this.logger.error(`Not ready to produce: ${err.message}`));
  }

  /**
   * Encodes `tx` and sends it keyed by storeId with `headers`; resolves once
   * Kafka acknowledged (acks=all). Rejects with `MqPoisonMessageException`
   * when the record cannot be encoded or the broker refuses it (never
   * retried), and with `MqSinkUnavailableException` when Kafka or the
   * registry is unavailable (ServerMQ holds the message on MQ until they are
   * back, without spending its backout budget).
   */
  async send(tx: ItemTransaction, headers: MessageHeaders): Promise<void> {
    let value: Buffer;
    try {
      value = await this.serde.encode(this.topic, tx);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'EDA_EVENTS_INVALID_RECORD') {
        throw new MqPoisonMessageException('INVALID_RECORD', (err as Error).message);
      }
      throw new MqSinkUnavailableException(
        `Cannot encode for ${this.topic} (schema registry): ${(err as Error).message}`,
        err,
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ message: { key: tx.storeId, value, headers: { ...headers } }, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Resolves when the items schema is registered under the subject; rejects saying what to do otherwise. */
  async verifySchema(): Promise<{ subject: string }> {
    const { subject } = await this.serde.resolveWriterSchema(this.topic);
    return { subject };
  }

  /** Runs after ServerMQ closed (Nest disposes transports first): in-flight sends are done. */
  async onApplicationShutdown(): Promise<void> {
    this.connector.close();
    // A connect still in flight would finish after the disconnect and leave a socket open.
    await this.connector.settled();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      await this.connector.connect();
    } catch (err) {
      this.reject(batch, kafkaSendFailure(err, batch.length, this.topic));
      return;
    }
    // One send per trace context: the kafkajs instrumentation gives each record a producer span
    // whose parent is the *active* context and rewrites its traceparent header with it, so the
    // send must run in the MQ message's context for the trace to continue. Records the simulator
    // put in one batch share one context, so this is usually a single send.
    const groups = new Map<string, Pending[]>();
    for (const p of batch) {
      const key = String(p.message.headers?.['traceparent'] ?? '');
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    await Promise.all([...groups.values()].map((group) => this.sendGroup(group)));
  }

  /**
   * Sends one group. A refusal of the records themselves (too large, invalid)
   * may be about one record of several, so the group is sent again one
   * record at a time, and only the refused record becomes poison.
   */
  private async sendGroup(group: readonly Pending[]): Promise<void> {
    try {
      const ctx = extractTraceContext(group[0]?.message.headers as MessageHeaders);
      await context.with(ctx, () =>
        this.producer.send({ topic: this.topic, acks: ACKS_ALL, messages: group.map((p) => p.message) }),
      );
      for (const p of group) p.resolve();
    } catch (err) {
      if (group.length > 1 && isRecordFault(err)) {
        await Promise.all(group.map((p) => this.sendGroup([p])));
        return;
      }
      this.reject(group, kafkaSendFailure(err, group.length, this.topic));
    }
  }

  private reject(group: readonly Pending[], failure: Error): void {
    for (const p of group) p.reject(failure);
  }
}
