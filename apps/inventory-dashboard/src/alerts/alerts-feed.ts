/**
 * The page's recent alerts: every replica follows `inventory.alerts` from the
 * beginning (fresh group per start, read_committed) and lists every alert,
 * whichever replica raised it. It raises nothing.
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

/** One kafkajs consumer feeding the view's alerts; its lifecycle is in `state` (health). */
@Injectable()
export class AlertsFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertsFeed.name);
  private readonly consumer: Consumer;
  readonly state: ClientStateProbe;
  private readonly serde: AvroSerde<InventoryAlert>;

  constructor(
    @Inject(dashboardConfig.KEY) private readonly settings: DashboardSettings,
    @Inject(registryConfig.KEY) registry: RegistrySettings,
    kafka: DashboardKafka,
    private readonly view: InventoryView,
  ) {
    const groupId = `${settings.groupId}-alerts`;
    this.consumer = kafka.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000 });
    this.state = ClientStateProbe.forConsumer(this.consumer);
    const schema = inventorySchemas.InventoryAlert;
    this.serde = new AvroSerde({ registry: createSchemaRegistryClient(registry), schema });
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
          if (isRetriable(err)) throw err; // a registry outage: kafkajs fetches the record again
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
