/**
 * The page's recent alerts: follows `inventory.alerts` (read_committed, so
 * only alerts of committed transactions) with a fresh group per start from
 * the beginning, as the view reads its topics, and records every alert,
 * whichever replica raised it. It raises nothing and decides nothing.
 */
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { AvroSerde, createSchemaRegistryClient, inventorySchemas, type InventoryAlert } from '@eda/events';
import { ClientStateProbe, isRetriable } from '@eda/kafka';
import {
  dashboardConfig,
  registryConfig,
  type DashboardSettings,
  type RegistrySettings,
} from '../config/dashboard.config';
import { DashboardKafka } from '../consumer/dashboard-kafka';
import { InventoryView } from '../inventory/inventory-view';

/** One kafkajs consumer feeding the view's alerts. */
@Injectable()
export class AlertsFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertsFeed.name);
  private readonly consumer: Consumer;
  private readonly serde: AvroSerde<InventoryAlert>;
  /** Lifecycle for the health probes. */
  readonly state: ClientStateProbe;

  constructor(
    @Inject(dashboardConfig.KEY) private readonly settings: DashboardSettings,
    @Inject(registryConfig.KEY) registry: RegistrySettings,
    kafka: DashboardKafka,
    private readonly view: InventoryView,
  ) {
    this.serde = new AvroSerde({
      registry: createSchemaRegistryClient(registry),
      schema: inventorySchemas.InventoryAlert,
    });
    this.consumer = kafka.kafka.consumer({
      groupId: `${settings.groupId}-alerts`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 1000,
    });
    this.state = ClientStateProbe.forConsumer(this.consumer);
  }

  /** Starts following; a failure shows in health (kafkajs reports it as a crash). */
  async onApplicationBootstrap(): Promise<void> {
    const topic = this.settings.topics.alerts;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (message.value === null) return;
        try {
          this.view.recordAlert(await this.serde.decode(message.value));
        } catch (err) {
          // A registry outage is retried (kafkajs fetches the record again); a record that never decodes is nobody's alert.
          if (isRetriable(err)) throw err;
          this.logger.warn({
            msg: `Undecodable record on ${topic}, ignored`,
            partition,
            offset: message.offset,
          });
        }
      },
    });
  }

  /** Stops following. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.disconnect();
  }
}
