/**
 * @eda/telemetry: OpenTelemetry for every app, in three small pieces.
 *
 * ```ts
 * // main.ts, before anything loads kafkajs
 * const telemetry = await startTelemetry({ serviceName: 'store-simulator' });
 * const { serve } = await import('./serve');
 * ```
 *
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
