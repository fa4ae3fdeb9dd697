/** The Kafka handlers, the alerts they raise, and the live page over the view. */
import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { AlertingStreams } from '../alerts/alerting-streams';
import { AlertsModule } from '../alerts/alerts.module';
import { ConsumerModule } from '../consumer/consumer.module';
import { DashboardKafka } from '../consumer/dashboard-kafka';
import { LiveController } from '../live/live.controller';
import { LiveUpdates } from '../live/live-updates';
import { DashboardMetrics } from '../metrics/dashboard-metrics';
import { MetricsModule } from '../metrics/metrics.module';
import { InventoryEventsController } from './inventory-events.controller';
import { InventoryView } from './inventory-view';

/** Handlers (`@EventPattern`), alerts, page and server-sent events. */
@Module({
  imports: [ConsumerModule, AlertsModule, MetricsModule],
  controllers: [InventoryEventsController, LiveController],
  providers: [LiveUpdates],
})
export class InventoryModule implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: DashboardMetrics,
    private readonly kafka: DashboardKafka,
    private readonly view: InventoryView,
    private readonly live: LiveUpdates,
    private readonly alerting: AlertingStreams,
  ) {}

  /** Connects the scrape-time gauges and the end-to-end latency histogram. */
  onApplicationBootstrap(): void {
    this.metrics.setSources({
      lag: () => this.kafka.progress.report().lag,
      caughtUp: () => this.kafka.progress.isCaughtUp(),
      stores: () => this.view.storeCount,
      liveClients: () => this.live.clients,
      alertingPartitions: () => this.alerting.taskCount,
    });
    // End-to-end latency, once the replay of old snapshots is over (they would read as hours).
    this.view.subscribe((change) => {
      if (change.kind === 'store' && change.store && this.kafka.progress.isCaughtUp())
        this.metrics.eventToPage.observe(Math.max(0, Date.now() - change.store.updatedAt) / 1000);
    });
  }
}
