/**
 * Publishes `InventoryAlert`s to `inventory.alerts`, keyed `storeId/sku`, Avro
 * through the registry (never auto-registering), once per crossing
 * ({@link LowStockDetector}).
 *
 * Before consuming starts, the alerts topic is read back: it seeds the
 * detector, so replaying the store topic at start-up does not raise again
 * what was already raised (see {@link LowStockDetector}), and it fills the
 * page's recent alerts.
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  type InventoryAlert,
  type StoreInventory,
} from '@eda/events';
import { ACKS_ALL } from '@eda/kafka';
import { injectTraceContext } from '@eda/telemetry';
import {
  dashboardConfig,
  registryConfig,
  type DashboardSettings,
  type RegistrySettings,
} from '../config/dashboard.config';
import { DashboardKafka } from '../consumer/dashboard-kafka';
import { InventoryView } from '../inventory/inventory-view';
import { DashboardMetrics } from '../metrics/dashboard-metrics';
import { readTopicSnapshot } from '../consumer/topic-snapshot';
import { LowStockDetector } from './low-stock-detector';

/** Evaluates each store snapshot and publishes the alerts it raises. */
@Injectable()
export class AlertPublisher implements OnApplicationBootstrap {
  private readonly logger = new Logger(AlertPublisher.name);
  private readonly detector: LowStockDetector;
  private readonly serde: AvroSerde<InventoryAlert>;
  private readonly topic: string;

  constructor(
    @Inject(dashboardConfig.KEY) private readonly settings: DashboardSettings,
    @Inject(registryConfig.KEY) registry: RegistrySettings,
    private readonly kafka: DashboardKafka,
    private readonly view: InventoryView,
    private readonly metrics: DashboardMetrics,
  ) {
    this.detector = new LowStockDetector(settings.lowStockThreshold);
    this.topic = settings.topics.alerts;
    this.serde = new AvroSerde<InventoryAlert>({
      registry: createSchemaRegistryClient(registry),
      schema: inventorySchemas.InventoryAlert,
      autoRegister: false,
    });
  }

  /** Reads the alerts published so far (by any instance); runs before the transport starts consuming. */
  async onApplicationBootstrap(): Promise<void> {
    let undecodable = 0;
    const decoded: Array<Promise<InventoryAlert | undefined>> = [];
    const read = await readTopicSnapshot(
      { kafka: this.kafka.kafka, topic: this.topic, groupId: `${this.settings.groupId}-alerts` },
      (message) => {
        if (message.value === null) return;
        decoded.push(this.serde.decode(message.value).catch(() => void (undecodable += 1)));
      },
    );
    const alerts = (await Promise.all(decoded)).filter((a): a is InventoryAlert => a !== undefined);
    // Topic order per key for the detector; time order for the page.
    for (const alert of alerts) this.detector.remember(alert);
    for (const alert of [...alerts].sort((a, b) => a.timestamp - b.timestamp)) this.view.recordAlert(alert);
    this.logger.log(`Read ${read} published alerts from ${this.topic} (${undecodable} undecodable, ignored)`);
  }

  /**
   * Publishes what `store`'s stock raises. Rejects when publishing fails; the
   * levels are then not remembered, so the retried record raises them again.
   */
  async observe(store: StoreInventory): Promise<void> {
    const decision = this.detector.evaluate(store, { replaying: !this.kafka.progress.isCaughtUp() });
    if (decision.alerts.length > 0) {
      const values = await Promise.all(decision.alerts.map((alert) => this.serde.encode(this.topic, alert)));
      const headers = injectTraceContext({});
      await this.kafka.producer.send({
        topic: this.topic,
        acks: ACKS_ALL,
        messages: decision.alerts.map((alert, i) => ({
          key: `${alert.storeId}/${alert.sku}`,
          value: values[i] as Buffer,
          timestamp: String(alert.timestamp),
          headers: { ...headers },
        })),
      });
      for (const alert of decision.alerts) {
        this.metrics.alerts.inc({ level: alert.level });
        this.view.recordAlert(alert);
      }
    }
    this.detector.accept(decision);
  }
}
