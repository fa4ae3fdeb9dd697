/** The MQ bridge's root module. */
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { structuredLogOptions } from '@eda/telemetry';
import { BridgeModule } from './bridge/bridge.module';
import {
  bridgeConfig,
  kafkaConfig,
  mqConfig,
  registryConfig,
  type BridgeSettings,
} from './config/bridge.config';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';

/** Request paths that would drown the log in probe noise. */
const QUIET_PATHS = /^\/(health|metrics)(\/|$)/;

/** Configuration, logging, the bridge, health and metrics. */
@Module({
  imports: [
    // The environment is the only source (twelve-factor); no .env files are read.
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [bridgeConfig, mqConfig, kafkaConfig, registryConfig],
    }),
    LoggerModule.forRootAsync({
      inject: [bridgeConfig.KEY],
      useFactory: (settings: BridgeSettings) => ({
        pinoHttp: {
          ...structuredLogOptions({ serviceName: 'mq-bridge', level: settings.logLevel }),
          autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
        },
      }),
    }),
    BridgeModule,
    HealthModule,
    MetricsModule,
  ],
})
export class AppModule {}
