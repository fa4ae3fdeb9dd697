/**
 * Structured JSON logging that carries trace ids: a pino configuration whose
 * mixin adds `trace_id`, `span_id` and `trace_flags` of the active span to
 * every line, so a log search and a trace view meet on the same id. Field names
 * follow the OpenTelemetry log data model.
 */
import { context, trace, type Context } from '@opentelemetry/api';
import { stdTimeFunctions, type LoggerOptions } from 'pino';

/** The trace fields of one log line; empty when no valid span is active. */
export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/** Trace fields of the span active in `ctx` (the current context by default). */
export function traceLogFields(ctx: Context = context.active()): TraceLogFields {
  const span = trace.getSpanContext(ctx);
  if (!span || !trace.isSpanContextValid(span)) {
    return {};
  }
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    trace_flags: `0${span.traceFlags.toString(16)}`.slice(-2),
  };
}

/** Options of {@link structuredLogOptions}. */
export interface StructuredLogOptions {
  /** Written as `service` on every line. */
  readonly serviceName: string;
  /** pino level name; defaults to `info`. */
  readonly level?: string;
}

/**
 * pino options for one JSON object per line: ISO `time`, textual `level`,
 * `service`, trace fields, and credentials redacted from request logs.
 */
export function structuredLogOptions(options: StructuredLogOptions): LoggerOptions {
  return {
    level: options.level ?? 'info',
    base: { service: options.serviceName },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => traceLogFields(),
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  };
}
