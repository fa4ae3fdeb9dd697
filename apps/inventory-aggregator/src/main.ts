/**
 * Entry point: `nx run @eda/inventory-aggregator:serve`.
 *
 * Telemetry starts first, because the kafkajs instrumentation must patch
 * kafkajs before anything loads it; the app is imported afterwards. SIGTERM
 * and SIGINT close the app (final commit, tasks closed, group left, so the
 * partitions move at once) and exit 0, or exit 1 when that takes longer than
 * SHUTDOWN_TIMEOUT_MS.
 */
import 'reflect-metadata';
import { exitGracefullyOnSignals, startTelemetry } from '@eda/telemetry';
import type { AggregatorSettings } from './config/aggregator.config';

async function main(): Promise<void> {
  const telemetry = await startTelemetry({ serviceName: 'inventory-aggregator' });
  const { serve } = await import('./serve');
  const { aggregatorConfig } = await import('./config/aggregator.config');
  const app = await serve();
  const { shutdownTimeoutMs, applicationServer } = app.get<AggregatorSettings>(aggregatorConfig.KEY);
  const logger = app.get((await import('nestjs-pino')).Logger);
  logger.log(
    `inventory-aggregator listening on ${await app.getUrl()}, advertised as ${applicationServer} ` +
      `(telemetry: ${telemetry.reason})`,
  );

  exitGracefullyOnSignals({
    close: () => app.close(),
    telemetry,
    timeoutMs: shutdownTimeoutMs,
    logger,
    activity: 'committing, closing tasks and leaving the group',
  });
}

main().catch((err: unknown) => {
  // Configuration errors name the variable; print them plainly, as the logger may not exist yet.
  console.error(`inventory-aggregator failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
