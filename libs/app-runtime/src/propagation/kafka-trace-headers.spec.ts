import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { extractTraceContext, injectTraceContext, type MessageHeaders } from './kafka-trace-headers';

const spanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
};

describe('trace context in Kafka headers', () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  it('writes a W3C traceparent for the given context', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    const headers = injectTraceContext({}, ctx);
    expect(headers['traceparent']).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('reads the context back from Buffer headers, as kafkajs delivers them', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    const sent = injectTraceContext({ other: 'kept' }, ctx);
    const received: MessageHeaders = Object.fromEntries(
      Object.entries(sent).map(([k, v]) => [k, Buffer.from(String(v))]),
    );
    const extracted = trace.getSpanContext(extractTraceContext(received, ROOT_CONTEXT));
    expect(extracted).toMatchObject({ ...spanContext, isRemote: true });
  });

  it('returns the base context when a record carries no headers', () => {
    expect(extractTraceContext(undefined, ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
    expect(trace.getSpanContext(extractTraceContext({}, context.active()))).toBeUndefined();
  });
});
