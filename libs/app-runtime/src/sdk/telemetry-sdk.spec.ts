import { context, propagation, trace } from '@opentelemetry/api';
import { injectTraceContext } from '../propagation/kafka-trace-headers';
import { startTelemetry, telemetryDecision } from './telemetry-sdk';

describe('telemetryDecision', () => {
  it('is off by default, so local runs and tests export nothing', () => {
    expect(telemetryDecision({})).toMatchObject({ enabled: false });
  });
  it('is on when an OTLP endpoint is configured', () => {
    expect(telemetryDecision({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({
      enabled: true,
      reason: 'exporting traces to http://collector:4318',
    });
  });
  it('is on with OTEL_SDK_DISABLED=false alone', () => {
    expect(telemetryDecision({ OTEL_SDK_DISABLED: 'false' }).enabled).toBe(true);
  });
  it('OTEL_SDK_DISABLED=true wins over an endpoint', () => {
    expect(
      telemetryDecision({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }).enabled,
    ).toBe(false);
  });
});

describe('startTelemetry', () => {
  afterEach(() => {
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('starts nothing when off: spans are non-recording and no header is written', async () => {
    const handle = await startTelemetry({ serviceName: 'svc', env: {} });
    expect(handle.enabled).toBe(false);
    const span = trace.getTracer('t').startSpan('s');
    expect(span.isRecording()).toBe(false);
    expect(context.with(trace.setSpan(context.active(), span), () => injectTraceContext())).toEqual({});
    await handle.shutdown();
  });

  it('when on, records spans and propagates their W3C context through record headers', async () => {
    // The span is left open on purpose: an ended span is exported on shutdown, and the OTLP
    // exporter loads node:http with a dynamic import(), which Jest's VM does not allow.
    const handle = await startTelemetry({
      serviceName: 'svc',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
    });
    expect(handle.enabled).toBe(true);
    const span = trace.getTracer('t').startSpan('send');
    const headers = context.with(trace.setSpan(context.active(), span), () => injectTraceContext());
    expect(headers['traceparent']).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    await handle.shutdown();
  });
});
