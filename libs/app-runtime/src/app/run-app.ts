/**
 * An app's `main.ts` in one call: start telemetry, then load and start the
 * app, log where it listens, and exit cleanly on SIGTERM. The order is the
 * point: the kafkajs and HTTP instrumentations patch those modules as they
 * are loaded, so the app must be imported only after telemetry started. The
 * app therefore arrives as functions that `import()` it, never as a value.
 */
import type { INestApplication } from '@nestjs/common';
import { exitGracefullyOnSignals, type SignalSource } from '../lifecycle/graceful-shutdown';
import { startTelemetry } from '../sdk/telemetry-sdk';

/** The settings {@link runApp} reads from the started app. */
export interface RunAppSettings {
  /** SHUTDOWN_TIMEOUT_MS: a shutdown that takes longer exits 1. */
  readonly shutdownTimeoutMs: number;
}

/** Options of {@link runApp}. */
export interface RunAppOptions<Settings extends RunAppSettings> {
  /** `service.name` of the spans and the first word of the start-up and failure lines. */
  readonly serviceName: string;
  /** Imports and starts the app: `async () => (await import('./serve')).serve()`. Runs after telemetry started. */
  readonly serve: () => Promise<INestApplication>;
  /** The app's validated settings, also imported lazily: `app.get(appConfig.KEY)`. */
  readonly settings: (app: INestApplication) => Settings | Promise<Settings>;
  /** What closing the app does, for the shutdown log line, e.g. "flushing the producer". */
  readonly activity: string;
  /** Said after the URL in the start-up line, e.g. `advertised as host:port`. */
  readonly listeningDetail?: (settings: Settings) => string;
  /** Where signals come from and how the process exits; `process` unless a test swaps it. */
  readonly source?: SignalSource;
  /** The environment telemetry reads its OTEL_* variables from; `process.env` by default. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs the app until a signal ends it. Never rejects: a failure to start
 * (typically a configuration error, which names the variable) is printed as
 * `<serviceName> failed to start: <message>` on stderr, plainly because the
 * logger may not exist yet, and the process exits 1.
 */
export async function runApp<Settings extends RunAppSettings>(
  options: RunAppOptions<Settings>,
): Promise<void> {
  const source: SignalSource = options.source ?? process;
  try {
    await start(options, source);
  } catch (err: unknown) {
    console.error(
      `${options.serviceName} failed to start: ${err instanceof Error ? err.message : String(err)}`,
    );
    source.exit(1);
  }
}

async function start<Settings extends RunAppSettings>(
  options: RunAppOptions<Settings>,
  source: SignalSource,
): Promise<void> {
  const telemetry = await startTelemetry({
    serviceName: options.serviceName,
    ...(options.env ? { env: options.env } : {}),
  });
  const app = await options.serve();
  const settings = await options.settings(app);
  // Imported only now, for the same reason as the app: it loads @nestjs/core and `http`.
  const logger = app.get((await import('nestjs-pino')).Logger);
  const detail = options.listeningDetail ? `, ${options.listeningDetail(settings)}` : '';
  logger.log(
    `${options.serviceName} listening on ${await app.getUrl()}${detail} (telemetry: ${telemetry.reason})`,
  );
  exitGracefullyOnSignals({
    close: () => app.close(),
    telemetry,
    timeoutMs: settings.shutdownTimeoutMs,
    logger,
    activity: options.activity,
    source,
  });
}
