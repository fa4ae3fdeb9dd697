/**
 * Trace context through a topology, with a real OpenTelemetry SDK (in-memory
 * exporter) and without one: a record is processed in the context of its
 * `traceparent`; what it sends on (sinks, repartition topics) carries that
 * context; an aggregate update links to every input folded into it; and with
 * no SDK nothing throws and no header is invented.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder } from '../index';
import { OutgoingRecord } from '../processor/internals/record-collector';
import { StreamTask } from '../processor/internals/stream-task';
import { TopologyTestDriver } from '../testing';
import { StreamsMetrics } from './metrics';

const S = Serdes.String();
const L = Serdes.Long();
const APP = 'test-app';

const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;
const parse = (header: Buffer | string | undefined) => {
  const [, traceId, spanId] = String(header).split('-');
  return { traceId, spanId };
};
const T1 = '0af7651916cd43dd8448eb211c80319c';
const S1 = 'b7ad6b7169203331';

/** in -> mapValues -> out, and in -> groupBy (repartition) -> count -> counts-out. */
function topology() {
  const builder = new StreamsBuilder();
  const input = builder.stream('in', Consumed.with(S, S));
  input.mapValues((v) => v.toUpperCase()).to('out', Produced.with(S, S));
  input
    .groupBy((_, v) => v, Grouped.with(S, S).withName('by-value'))
    .count(Materialized.as('counts'))
    .toStream()
    .to('counts-out', Produced.with(S, L));
  return builder.build();
}
const REPARTITION = `${APP}-by-value-repartition`;

describe('tracing without an SDK', () => {
  it('processes normally, copies headers through unchanged and invents none', () => {
    const driver = new TopologyTestDriver(topology(), { 'application.id': APP });
    const input = driver.createInputTopic('in', S, S);
    const out = driver.createOutputTopic('out', S, S);
    const repartition = driver.createOutputTopic(REPARTITION, S, S);
    const counts = driver.createOutputTopic('counts-out', S, L);

    input.pipeInput('k', 'a');
    expect(out.readRecord()).toMatchObject({ value: 'A', headers: {} });
    expect(repartition.readRecord().headers).toEqual({});
    expect(counts.readRecord()).toMatchObject({ key: 'a', value: 1, headers: {} });

    const headers = { traceparent: traceparent(T1, S1), tenant: 'x' };
    expect(() => input.pipeInput('k', 'a', undefined, headers)).not.toThrow();
    expect(out.readRecord().headers).toEqual(headers);
    expect(repartition.readRecord().headers).toEqual(headers);
    expect(counts.readRecord()).toMatchObject({ value: 2, headers: {} }); // an aggregate has no single parent
    driver.close();
  });
});

describe('tracing with an SDK', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
  });
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  const spans = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);

  it('runs each record in the context of its traceparent and carries it on downstream and through repartition', () => {
    const driver = new TopologyTestDriver(topology(), { 'application.id': APP });
    driver.createInputTopic('in', S, S).pipeInput('k', 'a', undefined, { traceparent: traceparent(T1, S1) });

    // (a) the CONSUMER span of the input is a child of the header's span, in its trace.
    const [processIn] = spans('process in');
    expect(processIn?.spanContext().traceId).toBe(T1);
    expect(processIn?.parentSpanContext).toMatchObject({ traceId: T1, spanId: S1 });

    // (b) the sink output and the repartition record carry that span as their parent.
    const own = { traceId: T1, spanId: processIn?.spanContext().spanId };
    const out = driver.createOutputTopic('out', S, S).readRecord();
    expect(parse(out.headers['traceparent'])).toEqual(own);
    const repartitioned = driver.createOutputTopic(REPARTITION, S, S).readRecord();
    expect(parse(repartitioned.headers['traceparent'])).toEqual(own);
    // ...and the task reading the repartition topic continues the same trace from it.
    const [processRepartition] = spans(`process ${REPARTITION}`);
    expect(processRepartition?.spanContext().traceId).toBe(T1);
    expect(processRepartition?.parentSpanContext?.spanId).toBe(own.spanId);
    driver.close();
  });

  it('an aggregate update links to every input folded into it, and its output carries its own span', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .count(Materialized.as('counts'))
      .toStream()
      .to('counts-out', Produced.with(S, L));
    const sent: OutgoingRecord[] = [];
    // The task the runtime runs; one commit (flush) after three records, as a commit interval would.
    const task = new StreamTask(builder.build().subtopologies(APP)[0]!, 0, {
      applicationId: APP,
      collector: { send: (r) => void sent.push(r) },
      metrics: new StreamsMetrics(APP),
      stateDir: undefined,
      deserializationErrors: 'fail',
      changelogTopic: (store) => `${APP}-${store}-changelog`,
      wallClock: () => 0,
    });
    task.initializeStores();
    task.initializeProcessors();
    const parents = ['1111111111111111', '2222222222222222', '3333333333333333'].map((spanId, i) => ({
      traceId: `${i + 1}`.repeat(32),
      spanId,
    }));
    parents.forEach((p, offset) =>
      task.process({
        topic: 'in',
        partition: 0,
        offset,
        key: Buffer.from('k'),
        value: Buffer.from('v'),
        timestamp: offset,
        headers: { traceparent: traceparent(p.traceId, p.spanId) },
      }),
    );
    task.flush();

    const inputs = spans('process in');
    expect(inputs.map((s) => s.parentSpanContext?.spanId)).toEqual(parents.map((p) => p.spanId));
    const [aggregate] = spans('aggregate counts');
    expect(aggregate?.parentSpanContext).toBeUndefined(); // a new root: it has many parents, not one
    expect(aggregate?.links.map((l) => l.context.spanId)).toEqual(inputs.map((s) => s.spanContext().spanId));
    expect(aggregate?.links.map((l) => l.context.traceId)).toEqual(parents.map((p) => p.traceId));

    const output = sent.filter((r) => r.topic === 'counts-out');
    expect(output).toHaveLength(1);
    expect(L.deserialize(output[0]!.value!, 'counts-out')).toBe(3);
    expect(parse(output[0]!.headers['traceparent'])).toEqual({
      traceId: aggregate?.spanContext().traceId,
      spanId: aggregate?.spanContext().spanId,
    });
    task.close();
  });
});
