/**
 * W3C trace context (`traceparent`, `tracestate`, and baggage) in Kafka record
 * headers, through the OpenTelemetry API's global propagator, so each hop of
 * the pipeline continues the trace of the record it handles.
 *
 * The kafkajs instrumentation does this for plain `producer.send` and
 * `eachMessage`; these helpers are for the places it cannot see: batch
 * processors, the streams library, and the MQ bridge (MQ message properties are
 * the same string map). Without a started SDK the global propagator is a no-op,
 * and so are these.
 */
import {
  context,
  propagation,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

/** Record headers as kafkajs types them (`IHeaders`), without depending on kafkajs. */
export type MessageHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** Reads header values that kafkajs delivers as Buffers (or arrays of them, for repeated keys). */
const headerGetter: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.map((v) => v.toString());
    return value.toString();
  },
};

const headerSetter: TextMapSetter<MessageHeaders> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * Writes the trace context of `ctx` (the active one by default) into `headers`
 * and returns them; pass a fresh object to build headers for a new record.
 */
export function injectTraceContext(
  headers: MessageHeaders = {},
  ctx: Context = context.active(),
): MessageHeaders {
  propagation.inject(ctx, headers, headerSetter);
  return headers;
}

/**
 * The context carried by a consumed record's headers, on top of `ctx`. Run
 * the record's processing inside it (`context.with(extracted, fn)`) or use it
 * as the parent of the processing span.
 */
export function extractTraceContext(
  headers: MessageHeaders | undefined,
  ctx: Context = context.active(),
): Context {
  return headers ? propagation.extract(ctx, headers, headerGetter) : ctx;
}
