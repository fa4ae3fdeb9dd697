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
import { runApp } from '@eda/app-runtime';
import type { AggregatorSettings } from './config/aggregator.config';

// Only functions that import() the app: runApp starts telemetry before calling them.
void runApp({
  serviceName: 'inventory-aggregator',
  serve: async () => (await import('./serve')).serve(),
  settings: async (app) =>
    app.get<AggregatorSettings>((await import('./config/aggregator.config')).aggregatorConfig.KEY),
  activity: 'committing, closing tasks and leaving the group',
  listeningDetail: ({ applicationServer }) => `advertised as ${applicationServer}`,
});
