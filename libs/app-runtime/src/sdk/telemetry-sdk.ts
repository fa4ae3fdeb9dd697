/**
 * OpenTelemetry SDK bootstrap. A no-op unless the environment asks for it,
 * so a developer running an app or a test pays nothing, and a deployment
 * turns tracing on with the standard OTel variables alone:
 *
 * - `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set: on;
 * - `OTEL_SDK_DISABLED=false`: on (exporting to the OTLP default, `http://localhost:4318`);
 * - `OTEL_SDK_DISABLED=true`: off, whatever else is set.
 *
 * When on, it registers the W3C trace-context and baggage propagators, OTLP/HTTP
 * trace export, the HTTP instrumentation (a server span per request, so request
 * logs carry a trace id; probe and scrape paths are left out), the undici
 * instrumentation (a CLIENT span per `fetch`, with `traceparent` on the request,
 * so a query one instance forwards to another stays one trace), and the kafkajs
 * instrumentation, which opens a span per send and per processed message and
 * carries `traceparent` in the record headers; its send span is parented on the
 * context a record already carries ({@link parentProducerSpansOnCarriedContext}).
 * The SDK packages are loaded only then. docs/observability.md has the trace model.
 *
 * Call it before anything requires `kafkajs`: instrumentations patch modules
 * as they are loaded. Apps do that in `main.ts` and import the rest of the app
 * afterwards with a dynamic `import()`.
 */

import { parentProducerSpansOnCarriedContext } from './carried-context-producer';

/** Options of {@link startTelemetry}. */
export interface TelemetryOptions {
  /** `service.name` of every span, e.g. `store-simulator`; `OTEL_SERVICE_NAME` wins when set. */
  readonly serviceName: string;
  /** Incoming request paths that get no span (probes, scrapes). Defaults to {@link UNTRACED_PATHS}. */
  readonly untracedPaths?: RegExp;
  /** The environment to read the OTel variables from. Defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** `/health/...` and `/metrics`: polled every few seconds, and worthless as traces. */
export const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/** Whether telemetry is on, and why, for the start-up log line. */
export interface TelemetryDecision {
  readonly enabled: boolean;
  readonly reason: string;
}

/** A started (or deliberately not started) SDK. */
export interface TelemetryHandle extends TelemetryDecision {
  /** Flushes pending spans and stops the SDK; resolves at once when it was never started. */
  shutdown(): Promise<void>;
}

/** Decides from the standard OTel variables whether the SDK should start. */
export function telemetryDecision(env: NodeJS.ProcessEnv = process.env): TelemetryDecision {
  const disabled = env['OTEL_SDK_DISABLED']?.trim().toLowerCase();
  if (disabled === 'true') {
    return { enabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  }
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (endpoint) {
    return { enabled: true, reason: `exporting traces to ${endpoint}` };
  }
  if (disabled === 'false') {
    return { enabled: true, reason: 'OTEL_SDK_DISABLED=false (OTLP default endpoint)' };
  }
  return { enabled: false, reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SDK_DISABLED is not "false"' };
}

/**
 * Starts the OpenTelemetry Node SDK when {@link telemetryDecision} says so;
 * otherwise returns a handle whose `shutdown` does nothing.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<TelemetryHandle> {
  const env = options.env ?? process.env;
  const decision = telemetryDecision(env);
  if (!decision.enabled) {
    return { ...decision, shutdown: () => Promise.resolve() };
  }
  const [
    { NodeSDK },
    { OTLPTraceExporter },
    { HttpInstrumentation },
    { KafkaJsInstrumentation },
    { UndiciInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-kafkajs'),
    import('@opentelemetry/instrumentation-undici'),
  ]);
  const untraced = options.untracedPaths ?? UNTRACED_PATHS;
  const kafkajs = new KafkaJsInstrumentation();
  parentProducerSpansOnCarriedContext(kafkajs);
  const sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] || options.serviceName,
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => untraced.test(request.url ?? '') }),
      kafkajs,
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    ...decision,
    shutdown: () => (stopped ??= sdk.shutdown()),
  };
}
