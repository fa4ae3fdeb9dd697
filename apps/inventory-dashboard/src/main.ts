/**
 * Entry point of the dashboard: `nx run @eda/inventory-dashboard:serve`.
 *
 * Telemetry starts first, because the kafkajs instrumentation must patch
 * kafkajs before anything loads it; the app is imported afterwards. SIGTERM
 * and SIGINT close the app and exit 0: live streams end, the consumer stops
 * fetching, the in-flight handler finishes and commits its offset, then the
 * producer (retries, DLQs, alerts) flushes. Exit 1 when that takes longer than
 * SHUTDOWN_TIMEOUT_MS; uncommitted records are then read again on the next start.
 */
import 'reflect-metadata';
import { startTelemetry } from '@eda/telemetry';
import type { DashboardSettings } from './config/dashboard.config';

async function main(): Promise<void> {
  const telemetry = await startTelemetry({ serviceName: 'inventory-dashboard' });
  const { serve } = await import('./serve');
  const { dashboardConfig } = await import('./config/dashboard.config');
  const app = await serve();
  const { shutdownTimeoutMs } = app.get<DashboardSettings>(dashboardConfig.KEY);
  const logger = app.get((await import('nestjs-pino')).Logger);
  logger.log(`inventory-dashboard listening on ${await app.getUrl()} (telemetry: ${telemetry.reason})`);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} received again: exiting without finishing the shutdown`);
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal} received: draining the in-flight handler, committing, flushing the producer`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${shutdownTimeoutMs} ms (SHUTDOWN_TIMEOUT_MS); exiting anyway`);
      process.exit(1);
    }, shutdownTimeoutMs).unref();
    app
      .close()
      .then(() => telemetry.shutdown())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error(`shutdown failed: ${(err as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  // Configuration errors name the variable; print them plainly, as the logger may not exist yet.
  console.error(`inventory-dashboard failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
