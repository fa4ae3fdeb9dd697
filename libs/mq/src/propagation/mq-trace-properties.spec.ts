import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { injectMqTraceProperties, kafkaTraceHeadersFromMq } from './mq-trace-properties';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('W3C trace context in MQ message properties', () => {
  afterEach(() => propagation.disable());

  it('copies the MQ trace properties into Kafka headers when no SDK is started', () => {
    expect(kafkaTraceHeadersFromMq({ traceparent: TRACEPARENT, tracestate: 'x=1', other: 'no' })).toEqual({
      traceparent: TRACEPARENT,
      tracestate: 'x=1',
    });
    expect(kafkaTraceHeadersFromMq({})).toEqual({});
  });

  it('continues the trace through the global propagator once one is registered', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    expect(kafkaTraceHeadersFromMq({ traceparent: TRACEPARENT })).toEqual({ traceparent: TRACEPARENT });
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    });
    expect(injectMqTraceProperties(trace.setSpan(context.active(), span))).toEqual({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01',
    });
  });
});
