/**
 * Entry point: `nx run @eda/mq-bridge:serve`.
 *
 * Telemetry starts first, because the kafkajs instrumentation must patch
 * kafkajs before anything loads it; the app is imported afterwards. SIGTERM
 * and SIGINT close the app: the current MQ batch finishes (committed once
 * Kafka acknowledged, or backed out), then MQ and Kafka disconnect; exit 0,
 * or exit 1 when that takes longer than SHUTDOWN_TIMEOUT_MS.
 */
import 'reflect-metadata';
import { exitGracefullyOnSignals, startTelemetry } from '@eda/telemetry';
import type { BridgeSettings } from './config/bridge.config';

async function main(): Promise<void> {
  const telemetry = await startTelemetry({ serviceName: 'mq-bridge' });
  const { serve } = await import('./serve');
  const { bridgeConfig } = await import('./config/bridge.config');
  const app = await serve();
  const { shutdownTimeoutMs } = app.get<BridgeSettings>(bridgeConfig.KEY);
  const logger = app.get((await import('nestjs-pino')).Logger);
  logger.log(`mq-bridge listening on ${await app.getUrl()} (telemetry: ${telemetry.reason})`);

  exitGracefullyOnSignals({
    close: () => app.close(),
    telemetry,
    timeoutMs: shutdownTimeoutMs,
    logger,
    activity: 'finishing the current MQ batch (commit or back out), then disconnecting from MQ and Kafka',
  });
}

main().catch((err: unknown) => {
  // Configuration errors name the variable; print them plainly, as the logger may not exist yet.
  console.error(`mq-bridge failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
