/**
 * Entry point of the HTTP service: `nx run @eda/store-simulator:serve`.
 *
 * Telemetry starts first, because the kafkajs instrumentation must patch
 * kafkajs before anything loads it; the app is imported afterwards. SIGTERM
 * and SIGINT close the app (stop simulations, flush the producer) and exit 0,
 * or exit 1 when that takes longer than SHUTDOWN_TIMEOUT_MS.
 */
import 'reflect-metadata';
import { runApp } from '@eda/app-runtime';
import type { SimulatorSettings } from './config/simulator.config';

// Only functions that import() the app: runApp starts telemetry before calling them.
void runApp({
  serviceName: 'store-simulator',
  serve: async () => (await import('./serve')).serve(),
  settings: async (app) =>
    app.get<SimulatorSettings>((await import('./config/simulator.config')).simulatorConfig.KEY),
  activity: 'stopping simulations and flushing the producer',
});
