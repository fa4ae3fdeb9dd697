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
  /** Flushed after `close`, so the last spans of the shutdown are exported. */
  readonly telemetry?: { shutdown(): Promise<unknown> };
  /** Exit 1 when closing takes longer (SHUTDOWN_TIMEOUT_MS in the apps). */
  readonly timeoutMs: number;
  readonly logger: ShutdownLogger;
  /** What closing does, for the log line, e.g. "flushing the producer". */
  readonly activity: string;
  readonly signals?: readonly NodeJS.Signals[];
  readonly source?: SignalSource;
}

/**
 * Ends the process cleanly on SIGTERM or SIGINT: close the app, flush
 * telemetry, exit 0. A close that fails or outlasts `timeoutMs` exits 1, and
 * a second signal exits 1 at once, so Kubernetes never waits out its grace
 * period on a hung shutdown.
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
    options
      .close()
      .then(() => options.telemetry?.shutdown())
      .then(
        () => source.exit(0),
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
