/**
 * The root-module wiring every Nest app of this blueprint shares: validated
 * configuration from the environment alone, and structured request logging
 * that leaves probe and scrape traffic out.
 */
import { Module, type DynamicModule } from '@nestjs/common';
import type { ConfigFactory, ConfigFactoryKeyHost } from '@nestjs/config';
import { structuredLogOptions } from '../logging/trace-log-fields';

/**
 * `/health/...` and `/metrics`: polled every few seconds, so a request log line
 * for each would drown the log. The default of {@link AppRuntimeOptions.quietPaths}.
 */
export const QUIET_REQUEST_PATHS = /^\/(health|metrics)(\/|$)/;

/** Options of {@link AppRuntimeModule.forApp}. */
export interface AppRuntimeOptions<Settings extends { readonly logLevel?: string }> {
  /** Written as `service` on every log line, e.g. `store-simulator`. */
  readonly serviceName: string;
  /**
   * The app's `registerAs` namespaces. Each reads and validates the environment
   * once at start-up, so a bad variable stops the app with its name.
   */
  readonly load: readonly ConfigFactory[];
  /** The namespace (one of `load`) whose `logLevel` (LOG_LEVEL) sets the pino level. */
  readonly logLevelFrom: ConfigFactoryKeyHost<Settings>;
  /** Request paths logged only when they fail to match; defaults to {@link QUIET_REQUEST_PATHS}. */
  readonly quietPaths?: RegExp;
}

/**
 * Configuration and logging for an app's root module:
 *
 * ```ts
 * @Module({
 *   imports: [
 *     AppRuntimeModule.forApp({
 *       serviceName: 'store-simulator',
 *       load: [simulatorConfig, kafkaConfig, registryConfig],
 *       logLevelFrom: simulatorConfig,
 *     }),
 *     SimulationsModule,
 *   ],
 * })
 * export class AppModule {}
 * ```
 *
 * Both parts are global: every module can inject a namespace (`@Inject(kafkaConfig.KEY)`)
 * and nestjs-pino's `Logger`.
 */
@Module({})
export class AppRuntimeModule {
  /**
   * `ConfigModule` reading the environment only (twelve-factor: no `.env` file is
   * read, so what runs is what the deployment says), and `LoggerModule` writing
   * {@link structuredLogOptions} JSON lines, without request lines for `quietPaths`.
   */
  static forApp<Settings extends { readonly logLevel?: string }>(
    options: AppRuntimeOptions<Settings>,
  ): DynamicModule {
    const quietPaths = options.quietPaths ?? QUIET_REQUEST_PATHS;
    // Imported here, not at the top: this library is loaded by main.ts before telemetry starts,
    // and nestjs-pino loads @nestjs/core and `http`, which the HTTP instrumentation must see
    // load after it. Nest accepts modules as promises (ConfigModule.forRoot returns one anyway).
    const config = import('@nestjs/config').then(({ ConfigModule }) =>
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [...options.load] }),
    );
    const logger = import('nestjs-pino').then(({ LoggerModule }) =>
      LoggerModule.forRootAsync({
        inject: [options.logLevelFrom.KEY],
        useFactory: (settings: Settings) => ({
          pinoHttp: {
            ...structuredLogOptions({ serviceName: options.serviceName, level: settings.logLevel }),
            autoLogging: { ignore: (req) => quietPaths.test(req.url ?? '') },
          },
        }),
      }),
    );
    // Both modules are global, so the app's feature modules see them without a re-export.
    return { module: AppRuntimeModule, imports: [config, logger] };
  }
}
