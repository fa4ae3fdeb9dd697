/** The store simulator's root module. */
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import type { IbmMqDriver } from '@eda/mq';
import { AppRuntimeModule } from '@eda/app-runtime';
import { mqConfig } from './config/mq.config';
import { kafkaConfig, registryConfig, simulatorConfig } from './config/simulator.config';
import { HealthModule } from './health/health.module';
import { requestValidationPipe } from './http/request-validation';
import { MetricsModule } from './metrics/metrics.module';
import { MQ_DRIVER } from './publishing/mq-transaction-publisher';
import { SimulationsModule } from './simulations/simulations.module';

/** Configuration, logging, validation, and the features. */
@Module({
  imports: [
    AppRuntimeModule.forApp({
      serviceName: 'store-simulator',
      load: [simulatorConfig, kafkaConfig, registryConfig, mqConfig],
      logLevelFrom: simulatorConfig,
    }),
    SimulationsModule,
    HealthModule,
    MetricsModule,
  ],
  providers: [{ provide: APP_PIPE, useFactory: requestValidationPipe }],
})
export class AppModule {
  /**
   * The app with `driver` as its `ibmmq` module: tests pass the `@eda/mq/testing`
   * double (through `serve({ mqDriver })`). Deliberately not configurable from
   * the environment, so no deployment can select the double.
   */
  static withMqDriver(driver: IbmMqDriver): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [{ provide: MQ_DRIVER, useValue: driver }],
      exports: [MQ_DRIVER],
    };
  }
}
