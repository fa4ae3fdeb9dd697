/** The few logger methods the shutdown uses (Nest's and pino's loggers have them). */
export interface ShutdownLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Where signals come from and how the process ends; `process` unless a test swaps it. */
export interface SignalSource {
  once(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): unknown;
  on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

/** Options of {@link exitGracefullyOnSignals}. */
export interface GracefulShutdownOptions {
  /** Stops the app: for a Nest app, `app.close()` (drain, commit, disconnect). */
  readonly close: () => Promise<unknown>;
  /**
   * Flushed after `close`, so the last spans of the shutdown are exported.
   * Best effort: see {@link TELEMETRY_FLUSH_TIMEOUT_MS}.
   */
  readonly telemetry?: { shutdown(): Promise<unknown> };
  /** Overrides {@link TELEMETRY_FLUSH_TIMEOUT_MS} (tests). */
  readonly telemetryFlushTimeoutMs?: number;
  /** Exit 1 when closing takes longer (SHUTDOWN_TIMEOUT_MS in the apps). */
  readonly timeoutMs: number;
  readonly logger: ShutdownLogger;
  /** What closing does, for the log line, e.g. "flushing the producer". */
  readonly activity: string;
  readonly signals?: readonly NodeJS.Signals[];
  readonly source?: SignalSource;
}

/**
 * Longest wait for the telemetry flush once the app has closed. The flush is
 * best effort: the app's own work (offsets committed, producer flushed) is
 * done, and an absent or unreachable collector (compose's default profile has
 * none; the real run saw `getaddrinfo ENOTFOUND otel-collector` after 7 s) must
 * neither turn a clean shutdown into exit 1 nor eat the shutdown budget.
 */
export const TELEMETRY_FLUSH_TIMEOUT_MS = 2_000;

/**
 * Ends the process cleanly on SIGTERM or SIGINT: close the app, flush
 * telemetry (best effort, bounded), exit 0. A close that fails or outlasts
 * `timeoutMs` exits 1, and a second signal exits 1 at once, so Kubernetes
 * never waits out its grace period on a hung shutdown.
 */
export function exitGracefullyOnSignals(options: GracefulShutdownOptions): void {
  const source: SignalSource = options.source ?? process;
  const { logger, timeoutMs } = options;
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warn(`${signal} received again: exiting without finishing the shutdown`);
      source.exit(1);
      return;
    }
    closing = true;
    logger.log(`${signal} received: ${options.activity}`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting anyway`);
      source.exit(1);
    }, timeoutMs).unref();
    options.close().then(
      async () => {
        await flushTelemetry(options, logger);
        source.exit(0);
      },
      (err: unknown) => {
        logger.error(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        source.exit(1);
      },
    );
  };
  for (const signal of options.signals ?? (['SIGTERM', 'SIGINT'] as const)) {
    source.on(signal, shutdown);
  }
}

/** Flushes telemetry for at most the flush timeout; a failure or a timeout loses the last spans, and says so. */
async function flushTelemetry(options: GracefulShutdownOptions, logger: ShutdownLogger): Promise<void> {
  if (options.telemetry === undefined) return;
  const limitMs = options.telemetryFlushTimeoutMs ?? TELEMETRY_FLUSH_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limitMs);
  });
  try {
    const outcome = await Promise.race([
      options.telemetry.shutdown().then(() => 'flushed' as const),
      timedOut,
    ]);
    if (outcome === 'timeout') {
      logger.warn(`telemetry flush still running after ${limitMs} ms: exiting without the last spans`);
    }
  } catch (err) {
    logger.warn(
      `telemetry flush failed, the last spans are lost: ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}
