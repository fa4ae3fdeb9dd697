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
import { runApp } from '@eda/app-runtime';
import type { BridgeSettings } from './config/bridge.config';

// Only functions that import() the app: runApp starts telemetry before calling them.
void runApp({
  serviceName: 'mq-bridge',
  serve: async () => (await import('./serve')).serve(),
  settings: async (app) => app.get<BridgeSettings>((await import('./config/bridge.config')).bridgeConfig.KEY),
  activity: 'finishing the current MQ batch (commit or back out), then disconnecting from MQ and Kafka',
});
