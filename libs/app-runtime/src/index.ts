/**
 * @eda/app-runtime: what every Nest app stands on: start-up, root-module config and
 * logging, graceful shutdown, and OpenTelemetry.
 *
 * ```ts
 * // main.ts: telemetry starts before the app (and so kafkajs) is imported
 * void runApp({
 *   serviceName: 'store-simulator',
 *   serve: async () => (await import('./serve')).serve(),
 *   settings: async (app) => app.get((await import('./config/simulator.config')).simulatorConfig.KEY),
 *   activity: 'flushing the producer',
 * });
 * ```
 *
 * - {@link runApp}: an app's `main.ts`: telemetry, then the app, then graceful shutdown;
 * - {@link AppRuntimeModule}: `ConfigModule` and `LoggerModule` as every root module imports them;
 * - {@link startTelemetry}: the Node SDK, a no-op unless `OTEL_EXPORTER_OTLP_ENDPOINT`
 *   is set or `OTEL_SDK_DISABLED=false`;
 * - {@link injectTraceContext} / {@link extractTraceContext}: W3C trace context in record headers;
 * - {@link structuredLogOptions}: pino JSON lines with `trace_id` and `span_id`;
 * - {@link exitGracefullyOnSignals}: SIGTERM closes the app, flushes telemetry, exits.
 */
export {
  startTelemetry,
  telemetryDecision,
  UNTRACED_PATHS,
  type TelemetryDecision,
  type TelemetryHandle,
  type TelemetryOptions,
} from './sdk/telemetry-sdk';
export {
  extractTraceContext,
  injectTraceContext,
  type MessageHeaders,
} from './propagation/kafka-trace-headers';
export {
  structuredLogOptions,
  traceLogFields,
  type StructuredLogOptions,
  type TraceLogFields,
} from './logging/trace-log-fields';
export {
  exitGracefullyOnSignals,
  type GracefulShutdownOptions,
  type ShutdownLogger,
  type SignalSource,
} from './lifecycle/graceful-shutdown';
export { AppRuntimeModule, QUIET_REQUEST_PATHS, type AppRuntimeOptions } from './app/app-runtime.module';
export { HealthProbeLogger } from './app/health-probe-logger';
export { runApp, type RunAppOptions, type RunAppSettings } from './app/run-app';
