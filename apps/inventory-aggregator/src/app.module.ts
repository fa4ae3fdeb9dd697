/** The inventory aggregator's root module. */
import { Module } from '@nestjs/common';
import { AppRuntimeModule } from '@eda/app-runtime';
import { aggregatorConfig, kafkaConfig, registryConfig } from './config/aggregator.config';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueriesModule } from './queries/queries.module';

/** Configuration, logging, and the features. */
@Module({
  imports: [
    AppRuntimeModule.forApp({
      serviceName: 'inventory-aggregator',
      load: [aggregatorConfig, kafkaConfig, registryConfig],
      logLevelFrom: aggregatorConfig,
    }),
    QueriesModule,
    HealthModule,
    MetricsModule,
  ],
})
export class AppModule {}
