import { K8sObject } from '../manifest';
import { deployment, goodContainer, setOf } from '../testing/fixtures';
import { checkTelemetry, parseEndpoint } from './telemetry-policy';

function chartApp(name: string, chart: string, values: Record<string, unknown>): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      project: 'eda-platform',
      source: {
        repoURL: 'https://example.invalid/charts',
        chart,
        targetRevision: '1.0.0',
        helm: { releaseName: name, valuesObject: values },
      },
      destination: { namespace: 'monitoring' },
    },
  };
}

const collector = (endpoint = 'jaeger.monitoring.svc:4317') =>
  chartApp('otel-collector', 'opentelemetry-collector', {
    mode: 'deployment',
    fullnameOverride: 'otel-collector',
    config: { exporters: { 'otlp/jaeger': { endpoint, tls: { insecure: true } } } },
  });
const jaeger = chartApp('jaeger', 'jaeger', {});

const app = (url: string) =>
  deployment(goodContainer({ env: [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: url }] }));

const check = (applications: K8sObject[], url = 'http://otel-collector.monitoring.svc:4318') =>
  checkTelemetry([
    setOf('gitops/argocd/envs/dev', applications, 'dev'),
    setOf('gitops/apps/store-simulator/envs/dev', [app(url)], 'dev'),
  ]).map((v) => `${v.object}: ${v.message}`);

describe('telemetry policy', () => {
  it('passes apps exporting to a deployed collector that forwards to a deployed backend', () => {
    expect(check([collector(), jaeger])).toEqual([]);
  });

  it('fails when nothing deploys the collector the charts export to (the original defect)', () => {
    expect(check([jaeger])).toEqual([
      'Deployment store-simulator: exports OTLP to http://otel-collector.monitoring.svc:4318, but no Application of gitops/argocd/envs/dev deploys an OpenTelemetry Collector as Service otel-collector in namespace monitoring',
    ]);
  });

  it('fails when the collector forwards to a backend nothing deploys', () => {
    expect(check([collector('tempo.monitoring.svc:4317')])).toEqual([
      'Application otel-collector: exporter otlp/jaeger sends to tempo.monitoring.svc:4317, which no other Application of gitops/argocd/envs/dev deploys',
    ]);
  });

  it('fails on a port the collector does not receive OTLP on', () => {
    expect(check([collector(), jaeger], 'http://otel-collector.monitoring.svc:9411')).toEqual([
      "Deployment store-simulator: exports OTLP to port 9411; the collector's OTLP receivers listen on 4317 and 4318",
    ]);
  });

  it('parses in-cluster addresses', () => {
    expect(parseEndpoint('http://otel-collector.monitoring.svc:4318')).toEqual({
      service: 'otel-collector',
      namespace: 'monitoring',
      port: 4318,
    });
    expect(parseEndpoint('jaeger.monitoring.svc.cluster.local:4317')?.service).toBe('jaeger');
    expect(parseEndpoint('https://api.honeycomb.io')).toBeUndefined();
  });
});
