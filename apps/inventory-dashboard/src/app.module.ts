/** The inventory dashboard's root module. */
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { structuredLogOptions } from '@eda/telemetry';
import {
  dashboardConfig,
  kafkaConfig,
  registryConfig,
  type DashboardSettings,
} from './config/dashboard.config';
import { HealthModule } from './health/health.module';
import { InventoryModule } from './inventory/inventory.module';
import { MetricsModule } from './metrics/metrics.module';

/** Request paths that would drown the log in probe and stream noise. */
const QUIET_PATHS = /^\/(health|metrics|api\/events|dashboard\.(js|css))?(\/|$)/;

/** Configuration, logging, and the features. */
@Module({
  imports: [
    // The environment is the only source (twelve-factor); no .env files are read.
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [dashboardConfig, kafkaConfig, registryConfig],
    }),
    LoggerModule.forRootAsync({
      inject: [dashboardConfig.KEY],
      useFactory: (settings: DashboardSettings) => ({
        pinoHttp: {
          ...structuredLogOptions({ serviceName: 'inventory-dashboard', level: settings.logLevel }),
          autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
        },
      }),
    }),
    InventoryModule,
    HealthModule,
    MetricsModule,
  ],
})
export class AppModule {}
