/** The inventory dashboard's root module. */
import { Module } from '@nestjs/common';
import { AppRuntimeModule } from '@eda/app-runtime';
import { dashboardConfig, kafkaConfig, registryConfig } from './config/dashboard.config';
import { HealthModule } from './health/health.module';
import { InventoryModule } from './inventory/inventory.module';
import { MetricsModule } from './metrics/metrics.module';

/** Request paths that would drown the log in probe and stream noise. */
const QUIET_PATHS = /^\/(health|metrics|api\/events|dashboard\.(js|css))?(\/|$)/;

/** Configuration, logging, and the features. */
@Module({
  imports: [
    AppRuntimeModule.forApp({
      serviceName: 'inventory-dashboard',
      load: [dashboardConfig, kafkaConfig, registryConfig],
      logLevelFrom: dashboardConfig,
      quietPaths: QUIET_PATHS,
    }),
    InventoryModule,
    HealthModule,
    MetricsModule,
  ],
})
export class AppModule {}
