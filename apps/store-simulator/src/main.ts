/**
 * Entry point of the HTTP service: `nx run @eda/store-simulator:serve`.
 *
 * Telemetry starts first, because the kafkajs instrumentation must patch
 * kafkajs before anything loads it; the app is imported afterwards. SIGTERM
 * and SIGINT close the app (stop simulations, flush the producer) and exit 0,
 * or exit 1 when that takes longer than SHUTDOWN_TIMEOUT_MS.
 */
import 'reflect-metadata';
import { exitGracefullyOnSignals, startTelemetry } from '@eda/telemetry';
import type { SimulatorSettings } from './config/simulator.config';

async function main(): Promise<void> {
  const telemetry = await startTelemetry({ serviceName: 'store-simulator' });
  const { serve } = await import('./serve');
  const { simulatorConfig } = await import('./config/simulator.config');
  const app = await serve();
  const { shutdownTimeoutMs } = app.get<SimulatorSettings>(simulatorConfig.KEY);
  const logger = app.get((await import('nestjs-pino')).Logger);
  logger.log(`store-simulator listening on ${await app.getUrl()} (telemetry: ${telemetry.reason})`);

  exitGracefullyOnSignals({
    close: () => app.close(),
    telemetry,
    timeoutMs: shutdownTimeoutMs,
    logger,
    activity: 'stopping simulations and flushing the producer',
  });
}

main().catch((err: unknown) => {
  // Configuration errors name the variable; print them plainly, as the logger may not exist yet.
  console.error(`store-simulator failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
