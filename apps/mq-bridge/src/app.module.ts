/** The MQ bridge's root module. */
import { Module } from '@nestjs/common';
import { AppRuntimeModule } from '@eda/app-runtime';
import { BridgeModule } from './bridge/bridge.module';
import { bridgeConfig, kafkaConfig, mqConfig, registryConfig } from './config/bridge.config';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';

/** Configuration, logging, the bridge, health and metrics. */
@Module({
  imports: [
    AppRuntimeModule.forApp({
      serviceName: 'mq-bridge',
      load: [bridgeConfig, mqConfig, kafkaConfig, registryConfig],
      logLevelFrom: bridgeConfig,
    }),
    BridgeModule,
    HealthModule,
    MetricsModule,
  ],
})
export class AppModule {}
