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
import { startTelemetry } from '@eda/telemetry';
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

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} received again: exiting without finishing the shutdown`);
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal} received: committing, closing tasks and leaving the group`);
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
  console.error(`inventory-aggregator failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
