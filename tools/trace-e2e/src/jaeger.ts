/**
 * A real Jaeger v2 (tools/tracing/install-jaeger.sh builds it; `JAEGER_BIN`
 * names the binary) on free loopback ports: OTLP/HTTP in, in-memory storage,
 * and its HTTP query API, through which the test reads traces back as any
 * operator's tooling would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { waitFor } from '@eda/testing';
import { freePort } from './processes';

const workspaceRoot = join(__dirname, '../../..');

/** A span as Jaeger's query API (`/api/traces`) returns it. */
export interface JaegerSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly operationName: string;
  readonly references: ReadonlyArray<{
    refType: 'CHILD_OF' | 'FOLLOWS_FROM';
    traceID: string;
    spanID: string;
  }>;
  readonly tags: ReadonlyArray<{ key: string; value: unknown }>;
  readonly processID: string;
  readonly startTime: number;
  /** Filled in by this module from the trace's `processes`. */
  service: string;
}

/** The span that `span` names as its parent, by id. */
export function parentOf(span: JaegerSpan): { traceID: string; spanID: string } | undefined {
  return span.references.find((r) => r.refType === 'CHILD_OF');
}

/** The spans `span` links to (Jaeger shows an OTLP link as a FOLLOWS_FROM reference). */
export function linksOf(span: JaegerSpan): ReadonlyArray<{ traceID: string; spanID: string }> {
  return span.references.filter((r) => r.refType === 'FOLLOWS_FROM');
}

/** The value of tag `key` of `span`. */
export function tag(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}

interface JaegerTrace {
  readonly traceID: string;
  readonly spans: JaegerSpan[];
  readonly processes: Record<string, { serviceName: string }>;
}

/** A running Jaeger. */
export class Jaeger {
  private constructor(
    private readonly child: ChildProcess,
    /** Base URL of the query API. */
    readonly queryUrl: string,
    /** OTLP/HTTP base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
    readonly otlpUrl: string,
    private readonly output: () => string,
  ) {}

  /** Starts `JAEGER_BIN` with tools/tracing/jaeger/config.yaml and waits for its query API. */
  static async start(): Promise<Jaeger> {
    const bin = process.env['JAEGER_BIN'];
    if (!bin) {
      throw new Error(
        'JAEGER_BIN is not set: run the trace test through tools/tracing/trace-e2e.sh (npx nx run @eda/trace-e2e:trace), ' +
          'or set JAEGER_BIN="$(bash tools/tracing/install-jaeger.sh | tail -n1)"',
      );
    }
    const [query, grpc, otlp] = [await freePort(), await freePort(), await freePort()];
    const child = spawn(bin, ['--config', join(workspaceRoot, 'tools/tracing/jaeger/config.yaml')], {
      env: {
        ...process.env,
        JAEGER_QUERY_PORT: String(query),
        JAEGER_QUERY_GRPC_PORT: String(grpc),
        JAEGER_OTLP_HTTP_PORT: String(otlp),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const jaeger = new Jaeger(child, `http://127.0.0.1:${query}`, `http://127.0.0.1:${otlp}`, () => output);
    await waitFor(
      'Jaeger query API up',
      async () => {
        if (child.exitCode !== null) throw new Error(`jaeger exited with ${child.exitCode}:\n${output}`);
        const ok = await fetch(`${jaeger.queryUrl}/api/services`).then(
          (r) => r.ok,
          () => false,
        );
        return ok || undefined;
      },
      30_000,
      200,
    );
    return jaeger;
  }

  /** Jaeger's own log, for failure messages. */
  log(): string {
    return this.output();
  }

  /** The trace `traceId`, or undefined while Jaeger has none of its spans. */
  async trace(traceId: string): Promise<JaegerSpan[] | undefined> {
    const response = await fetch(`${this.queryUrl}/api/traces/${traceId}`);
    if (response.status === 404) return undefined;
    if (!response.ok)
      throw new Error(`GET /api/traces/${traceId}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { data: JaegerTrace[] };
    return body.data.flatMap(withServices);
  }

  /** Every span of the traces (found by service and operation) that contain one. */
  async search(service: string, operation: string): Promise<JaegerSpan[]> {
    const params = new URLSearchParams({ service, operation, lookback: '1h', limit: '1000' });
    const response = await fetch(`${this.queryUrl}/api/traces?${params.toString()}`);
    if (!response.ok)
      throw new Error(`search ${service}/${operation}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { data: JaegerTrace[] | null };
    return (body.data ?? []).flatMap(withServices);
  }

  /**
   * Exports one span over OTLP/HTTP JSON, as an application outside this
   * repository would (the MQ producer, the HTTP client): the first span of an input.
   */
  async exportSpan(span: {
    service: string;
    name: string;
    kind: 'CLIENT' | 'PRODUCER';
    traceId: string;
    spanId: string;
    attributes: Record<string, string>;
  }): Promise<void> {
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: span.service } }] },
          scopeSpans: [
            {
              scope: { name: 'trace-e2e' },
              spans: [
                {
                  traceId: span.traceId,
                  spanId: span.spanId,
                  name: span.name,
                  kind: span.kind === 'CLIENT' ? 3 : 4,
                  startTimeUnixNano: String(now - 1_000_000n),
                  endTimeUnixNano: String(now),
                  attributes: Object.entries(span.attributes).map(([key, value]) => ({
                    key,
                    value: { stringValue: value },
                  })),
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await fetch(`${this.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`OTLP export: ${response.status} ${await response.text()}`);
  }

  /** Stops Jaeger. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await gone;
  }
}

function withServices(trace: JaegerTrace): JaegerSpan[] {
  return trace.spans.map((span) =>
    Object.assign(span, { service: trace.processes[span.processID]?.serviceName ?? '?' }),
  );
}

/** A fresh W3C trace id and span id. */
export function newIds(): { traceId: string; spanId: string } {
  return { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
}
