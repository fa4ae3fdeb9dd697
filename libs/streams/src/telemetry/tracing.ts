import {
  context,
  Link,
  propagation,
  SpanKind,
  TextMapGetter,
  TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { RecordHeaders } from '../processor/api';

/** Name of the OpenTelemetry tracer this library uses. */
export const TRACER_NAME = '@eda/streams';

const headerGetter: TextMapGetter<RecordHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return value === undefined ? undefined : value.toString();
  },
};

const headerSetter: TextMapSetter<Record<string, Buffer | string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * Runs `fn` in the trace context carried by a record's W3C `traceparent`
 * header, inside a CONSUMER span named `process <topic>`. With no SDK and no
 * propagator registered both calls are no-ops, so this costs next to nothing.
 */
export function withRecordContext<T>(headers: RecordHeaders, topic: string, fn: () => T): T {
  const parent = propagation.extract(context.active(), headers, headerGetter);
  const span = trace.getTracer(TRACER_NAME).startSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic },
    },
    parent,
  );
  try {
    return context.with(trace.setSpan(parent, span), fn);
  } finally {
    span.end();
  }
}

/**
 * Headers for an outgoing record: its own headers with the active context
 * injected, so downstream consumers (and our own repartition readers)
 * continue the trace.
 */
export function headersWithActiveContext(headers: RecordHeaders): RecordHeaders {
  const out: Record<string, Buffer | string> = { ...headers };
  propagation.inject(context.active(), out, headerSetter);
  return out;
}

/** A link to the span active now (the record being processed), if it has a valid context. */
export function linkToActiveSpan(): Link | undefined {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

/**
 * Runs `fn` in a new root span linked to every input that contributed to an
 * aggregate. An aggregate has many parents, so it links to them (OpenTelemetry
 * messaging conventions for batch receive) instead of claiming one as parent.
 */
export function withLinkedSpan<T>(name: string, links: Link[], fn: () => T): T {
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(name, { kind: SpanKind.INTERNAL, links, root: true }, context.active());
  try {
    return context.with(trace.setSpan(context.active(), span), fn);
  } finally {
    span.end();
  }
}
