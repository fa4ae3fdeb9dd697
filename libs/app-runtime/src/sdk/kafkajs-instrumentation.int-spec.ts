/**
 * The telemetry SDK traces kafkajs for real: a process started the way the
 * apps start (`startTelemetry` before kafkajs loads) sends a record to the
 * real broker and consumes it, and the spans reach an OTLP/HTTP collector
 * (a small HTTP server here, receiving what Jaeger or the OTel Collector
 * would): a PRODUCER span for the send and a CONSUMER span for processing
 * the record, in the same trace, whose context travelled in the record's
 * `traceparent` header. Without the kafkajs instrumentation there are no
 * such spans and no header.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { KafkaTestContext, uniqueName } from '@eda/testing';

const libRoot = join(__dirname, '../..');
/** OTLP span kinds (opentelemetry-proto trace.proto). */
const SPAN_KIND = { PRODUCER: 4, CONSUMER: 5 } as const;

interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes?: ReadonlyArray<{ key: string; value: Record<string, unknown> }>;
}

/** Receives OTLP/HTTP JSON trace exports and keeps their spans. */
async function startCollector(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const body = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    // The exporter gzips its JSON by default (OTEL_EXPORTER_OTLP_COMPRESSION).
    return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  };
  const server = createServer((request, response) => {
    void body(request).then((text) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      // Only traces matter here; the SDK may export other signals (protobuf) to the same endpoint.
      if (request.url !== '/v1/traces') return;
      const payload = JSON.parse(text) as {
        resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
      };
      for (const resource of payload.resourceSpans ?? [])
        for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, spans };
}

describe('telemetry SDK with the kafkajs instrumentation', () => {
  const context = new KafkaTestContext('telemetry-kafkajs');
  afterAll(() => context.close());

  it('exports a producer span for a real send and a consumer span for its processing, in one trace', async () => {
    const topic = await context.createTopic('telemetry-traced');
    const collector = await startCollector();
    try {
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', join(libRoot, 'src/testing/traced-kafkajs.process.ts')],
        {
          cwd: join(libRoot, '../..'),
          env: {
            ...process.env,
            SWC_NODE_PROJECT: join(libRoot, 'src/testing/tsconfig.process.json'),
            OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
            OTEL_SDK_DISABLED: 'false',
            PROBE_TOPIC: topic,
            PROBE_GROUP: uniqueName('telemetry-traced'),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      const { enabled, traceparent } = JSON.parse(stdout.trim()) as { enabled: boolean; traceparent: string };
      expect(enabled).toBe(true);

      const summary = collector.spans.map((s) => `${s.kind} ${s.name}`);
      const send = collector.spans.find((s) => s.kind === SPAN_KIND.PRODUCER && s.name.includes(topic));
      const processed = collector.spans.find((s) => s.kind === SPAN_KIND.CONSUMER && s.name.includes(topic));
      expect({ send: send?.name, processed: processed?.name, summary }).toEqual({
        send: `send ${topic}`,
        processed: `process ${topic}`,
        summary: expect.any(Array),
      });
      // The consumer continued the producer's trace, through the header the instrumentation wrote.
      expect(processed?.traceId).toBe(send?.traceId);
      expect(traceparent).toMatch(new RegExp(`^00-${send?.traceId}-[0-9a-f]{16}-01$`));
    } finally {
      await new Promise((resolve) => collector.server.close(resolve));
    }
  });
});
