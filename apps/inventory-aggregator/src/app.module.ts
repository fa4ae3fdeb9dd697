/** The inventory aggregator's root module. */
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { structuredLogOptions } from '@eda/telemetry';
import {
  aggregatorConfig,
  kafkaConfig,
  registryConfig,
  type AggregatorSettings,
} from './config/aggregator.config';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueriesModule } from './queries/queries.module';

/** Request paths that would drown the log in probe noise. */
const QUIET_PATHS = /^\/(health|metrics)(\/|$)/;

/** Configuration, logging, and the features. */
@Module({
  imports: [
    // The environment is the only source (twelve-factor); no .env files are read.
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [aggregatorConfig, kafkaConfig, registryConfig],
    }),
    LoggerModule.forRootAsync({
      inject: [aggregatorConfig.KEY],
      useFactory: (settings: AggregatorSettings) => ({
        pinoHttp: {
          ...structuredLogOptions({ serviceName: 'inventory-aggregator', level: settings.logLevel }),
          autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
        },
      }),
    }),
    QueriesModule,
    HealthModule,
    MetricsModule,
  ],
})
export class AppModule {}
