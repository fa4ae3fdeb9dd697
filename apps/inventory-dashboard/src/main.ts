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
import { runApp } from '@eda/app-runtime';
import type { DashboardSettings } from './config/dashboard.config';

// Only functions that import() the app: runApp starts telemetry before calling them.
void runApp({
  serviceName: 'inventory-dashboard',
  serve: async () => (await import('./serve')).serve(),
  settings: async (app) =>
    app.get<DashboardSettings>((await import('./config/dashboard.config')).dashboardConfig.KEY),
  activity: 'draining the in-flight handler, committing, flushing the producer',
});
