/**
 * Traces have somewhere to go. In each env, every workload's
 * OTEL_EXPORTER_OTLP_ENDPOINT (`http://<service>.<namespace>.svc:<port>`) must
 * name a Service that an Argo CD Application of that env deploys: an
 * `opentelemetry-collector` chart released into that namespace under that
 * name (`fullnameOverride`, else the release name), listening on the port
 * (the chart's OTLP receivers: 4317 gRPC, 4318 HTTP). And every OTLP exporter
 * of that collector must point at another Application of the env in the same
 * way (the trace backend), so the collector does not forward into the void.
 *
 * Before this check, the charts exported to otel-collector.monitoring.svc:4318
 * and nothing in gitops/ deployed it.
 */
import { field, isObject, K8sObject, RenderedSet, Violation } from '../manifest';
import { podSpecOf } from './workload-policy';

const POLICY = 'telemetry';
/** The ports the collector chart's default OTLP receivers listen on. */
const OTLP_PORTS: readonly number[] = [4317, 4318];

interface Endpoint {
  service: string;
  namespace: string;
  port: number;
}

/** `http://svc.ns.svc:4318`, `svc.ns.svc.cluster.local:4317` -> its parts; undefined for anything else. */
export function parseEndpoint(url: string): Endpoint | undefined {
  const m = /^(?:[a-z]+:\/\/)?([a-z0-9-]+)\.([a-z0-9-]+)(?:\.svc(?:\.cluster\.local)?)?:(\d+)\/?$/.exec(
    url.trim(),
  );
  if (!m) return undefined;
  return { service: m[1] ?? '', namespace: m[2] ?? '', port: Number(m[3]) };
}

interface ChartApp {
  app: K8sObject;
  chart: string;
  namespace: string;
  service: string;
  values: Record<string, unknown>;
}

function chartApps(objects: readonly K8sObject[]): ChartApp[] {
  return objects
    .filter((o) => o.kind === 'Application' && o.apiVersion.startsWith('argoproj.io/'))
    .flatMap((app) => {
      const source = field(app, 'spec', 'source');
      const chart = field(source, 'chart');
      if (typeof chart !== 'string') return [];
      const values = field(source, 'helm', 'valuesObject');
      const v = isObject(values) ? values : {};
      const release = field(source, 'helm', 'releaseName') ?? app.metadata.name;
      const service = typeof v['fullnameOverride'] === 'string' ? v['fullnameOverride'] : String(release);
      const namespace = String(field(app, 'spec', 'destination', 'namespace') ?? '');
      return [{ app, chart, namespace, service, values: v }];
    });
}

const serves = (a: ChartApp, e: Endpoint) => a.namespace === e.namespace && a.service === e.service;

/** Checks each env's OTLP endpoints against the env's Applications. */
export function checkTelemetry(sets: readonly RenderedSet[]): Violation[] {
  const violations: Violation[] = [];
  const envs = new Set(sets.map((s) => s.env).filter((e): e is string => e !== undefined));
  for (const env of envs) {
    const appSet = sets.find((s) => s.env === env && s.source.startsWith('gitops/argocd/envs/'));
    if (!appSet) continue;
    const apps = chartApps(appSet.objects);
    // 1. Every workload's endpoint is a collector Application of this env.
    for (const set of sets.filter((s) => s.env === env)) {
      for (const obj of set.objects) {
        const pod = podSpecOf(obj);
        const containers = pod && Array.isArray(pod['containers']) ? pod['containers'].filter(isObject) : [];
        for (const c of containers) {
          const envVars = Array.isArray(c['env']) ? c['env'].filter(isObject) : [];
          const url = envVars.find((e) => e['name'] === 'OTEL_EXPORTER_OTLP_ENDPOINT')?.['value'];
          if (typeof url !== 'string') continue;
          const disabled = envVars.find((e) => e['name'] === 'OTEL_SDK_DISABLED')?.['value'] === 'true';
          if (disabled) continue;
          const push = (message: string) =>
            violations.push({
              policy: POLICY,
              source: set.source,
              object: `${obj.kind} ${obj.metadata.name ?? ''}`,
              message,
            });
          const endpoint = parseEndpoint(url);
          if (!endpoint) {
            push(
              `exports OTLP to ${url}, which is not an in-cluster Service address (<service>.<namespace>.svc:<port>)`,
            );
            continue;
          }
          const collector = apps.find((a) => serves(a, endpoint));
          if (!collector || collector.chart !== 'opentelemetry-collector') {
            push(
              `exports OTLP to ${url}, but no Application of ${appSet.source} deploys an OpenTelemetry Collector as Service ${endpoint.service} in namespace ${endpoint.namespace}`,
            );
          } else if (!OTLP_PORTS.includes(endpoint.port)) {
            push(
              `exports OTLP to port ${endpoint.port}; the collector's OTLP receivers listen on ${OTLP_PORTS.join(' and ')}`,
            );
          }
        }
      }
    }
    // 2. Every collector's OTLP exporters reach an Application of this env.
    for (const collector of apps.filter((a) => a.chart === 'opentelemetry-collector')) {
      const exporters = field(collector.values, 'config', 'exporters');
      const otlp = isObject(exporters)
        ? Object.entries(exporters).filter(([name]) => name === 'otlp' || name.startsWith('otlp/'))
        : [];
      const push = (message: string) =>
        violations.push({
          policy: POLICY,
          source: appSet.source,
          object: `Application ${collector.app.metadata.name ?? ''}`,
          message,
        });
      if (otlp.length === 0) push('has no OTLP exporter: the traces it receives go nowhere');
      for (const [name, exporter] of otlp) {
        const url = field(exporter, 'endpoint');
        const endpoint = typeof url === 'string' ? parseEndpoint(url) : undefined;
        const backend = endpoint && apps.find((a) => a !== collector && serves(a, endpoint));
        if (!backend) {
          push(
            `exporter ${name} sends to ${String(url)}, which no other Application of ${appSet.source} deploys`,
          );
        }
      }
    }
  }
  return violations;
}
