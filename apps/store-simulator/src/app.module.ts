/** The store simulator's root module. */
import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { IbmMqDriver } from '@eda/mq';
import { structuredLogOptions } from '@eda/telemetry';
import { mqConfig } from './config/mq.config';
import {
  kafkaConfig,
  registryConfig,
  simulatorConfig,
  type SimulatorSettings,
} from './config/simulator.config';
import { HealthModule } from './health/health.module';
import { requestValidationPipe } from './http/request-validation';
import { MetricsModule } from './metrics/metrics.module';
import { MQ_DRIVER } from './publishing/mq-transaction-publisher';
import { SimulationsModule } from './simulations/simulations.module';

/** Request paths that would drown the log in probe noise. */
const QUIET_PATHS = /^\/(health|metrics)(\/|$)/;

/** Configuration, logging, validation, and the features. */
@Module({
  imports: [
    // The environment is the only source (twelve-factor); no .env files are read.
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [simulatorConfig, kafkaConfig, registryConfig, mqConfig],
    }),
    LoggerModule.forRootAsync({
      inject: [simulatorConfig.KEY],
      useFactory: (settings: SimulatorSettings) => ({
        pinoHttp: {
          ...structuredLogOptions({ serviceName: 'store-simulator', level: settings.logLevel }),
          autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
        },
      }),
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
