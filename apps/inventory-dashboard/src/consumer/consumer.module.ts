/** The Kafka side: clients, transport strategy, record processor, and the view they feed. */
import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { dashboardConfig, type DashboardSettings } from '../config/dashboard.config';
import { InventoryView } from '../inventory/inventory-view';
import { MetricsModule } from '../metrics/metrics.module';
import { DashboardKafka } from './dashboard-kafka';

/** Exports {@link DashboardKafka} and the {@link InventoryView}. */
@Module({
  imports: [MetricsModule],
  providers: [DashboardKafka, InventoryView],
  exports: [DashboardKafka, InventoryView],
})
export class ConsumerModule implements OnModuleInit {
  constructor(
    private readonly view: InventoryView,
    @Inject(dashboardConfig.KEY) private readonly settings: DashboardSettings,
  ) {}

  /** Sizes the view from the configuration. */
  onModuleInit(): void {
    this.view.configure({
      recentWindows: this.settings.recentWindows,
      recentAlerts: this.settings.recentAlerts,
      lowStockThreshold: this.settings.lowStockThreshold,
    });
  }
}
