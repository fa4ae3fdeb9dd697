/**
 * W3C trace context in IBM MQ message properties (`traceparent`,
 * `tracestate`), the names `ibmmq`'s own OpenTelemetry support uses, so a
 * trace continues from an MQ producer through the bridge to Kafka.
 */
import { extractTraceContext, injectTraceContext, type MessageHeaders } from '@eda/app-runtime';
import type { Context } from '@opentelemetry/api';

/** The properties a W3C trace context occupies. */
export const TRACE_PROPERTIES = ['traceparent', 'tracestate'] as const;

/** The trace context of `ctx` (the active one by default) as MQ message properties; empty without a started SDK. */
export function injectMqTraceProperties(ctx?: Context): Record<string, string> {
  const headers = ctx ? injectTraceContext({}, ctx) : injectTraceContext({});
  const out: Record<string, string> = {};
  for (const name of TRACE_PROPERTIES) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** The context carried by a got message's properties, to run its processing in. */
export function extractMqTraceContext(properties: Readonly<Record<string, string>>, ctx?: Context): Context {
  return ctx ? extractTraceContext({ ...properties }, ctx) : extractTraceContext({ ...properties });
}

/**
 * Kafka record headers carrying the trace of an MQ message: the context
 * extracted from its properties, injected again (so a started SDK validates
 * and re-encodes it); without an SDK, the W3C values are copied as they are.
 */
export function kafkaTraceHeadersFromMq(properties: Readonly<Record<string, string>>): MessageHeaders {
  const headers = injectTraceContext({}, extractMqTraceContext(properties));
  for (const name of TRACE_PROPERTIES) {
    const value = properties[name];
    if (headers[name] === undefined && value !== undefined && value !== '') headers[name] = value;
  }
  return headers;
}
