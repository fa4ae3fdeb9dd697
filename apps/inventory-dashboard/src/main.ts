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
import { exitGracefullyOnSignals, startTelemetry } from '@eda/telemetry';
import type { DashboardSettings } from './config/dashboard.config';

async function main(): Promise<void> {
  const telemetry = await startTelemetry({ serviceName: 'inventory-dashboard' });
  const { serve } = await import('./serve');
  const { dashboardConfig } = await import('./config/dashboard.config');
  const app = await serve();
  const { shutdownTimeoutMs } = app.get<DashboardSettings>(dashboardConfig.KEY);
  const logger = app.get((await import('nestjs-pino')).Logger);
  logger.log(`inventory-dashboard listening on ${await app.getUrl()} (telemetry: ${telemetry.reason})`);

  exitGracefullyOnSignals({
    close: () => app.close(),
    telemetry,
    timeoutMs: shutdownTimeoutMs,
    logger,
    activity: 'draining the in-flight handler, committing, flushing the producer',
  });
}

main().catch((err: unknown) => {
  // Configuration errors name the variable; print them plainly, as the logger may not exist yet.
  console.error(`inventory-dashboard failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
