import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { parentProducerSpansOnCarriedContext } from './carried-context-producer';

const CARRIED = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const ACTIVE = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

/** Stands in for the instrumentation: reports the trace the span would start in. */
function fakeInstrumentation() {
  return {
    _startProducerSpan(_topic: string, _message: unknown, _client: unknown) {
      return trace.getSpanContext(context.active())?.traceId;
    },
  };
}

describe('parentProducerSpansOnCarriedContext', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    propagation.disable();
    context.disable();
  });

  const inActive = <T>(fn: () => T) => context.with(trace.setSpanContext(context.active(), ACTIVE), fn);

  it('starts the send span in the trace the record carries, not the one active at send time', () => {
    const instrumentation = fakeInstrumentation();
    expect(parentProducerSpansOnCarriedContext(instrumentation)).toBe(true);
    const traceId = inActive(() =>
      instrumentation._startProducerSpan('t', { headers: { traceparent: Buffer.from(CARRIED) } }, {}),
    );
    expect(traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('keeps the active context for a record without (or with an invalid) traceparent', () => {
    const instrumentation = fakeInstrumentation();
    parentProducerSpansOnCarriedContext(instrumentation);
    expect(inActive(() => instrumentation._startProducerSpan('t', { headers: {} }, {}))).toBe(ACTIVE.traceId);
    expect(inActive(() => instrumentation._startProducerSpan('t', {}, {}))).toBe(ACTIVE.traceId);
    expect(
      inActive(() => instrumentation._startProducerSpan('t', { headers: { traceparent: 'garbage' } }, {})),
    ).toBe(ACTIVE.traceId);
  });

  it('applies to the installed instrumentation-kafkajs (an upgrade that renames the hook fails here)', () => {
    expect(parentProducerSpansOnCarriedContext(new KafkaJsInstrumentation({ enabled: false }))).toBe(true);
  });
});
