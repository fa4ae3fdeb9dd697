import { K8sObject } from '../manifest';
import { setOf } from '../testing/fixtures';
import { checkApplications, valueFindings } from './application-policy';

function chartApp(name: string, source: Record<string, unknown> = {}, project = 'eda-platform'): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      project,
      source: {
        repoURL: 'https://prometheus-community.github.io/helm-charts',
        chart: 'kube-prometheus-stack',
        targetRevision: '77.6.2',
        helm: {
          valuesObject: {
            grafana: {
              admin: {
                existingSecret: 'grafana-admin',
                userKey: 'admin-user',
                passwordKey: 'admin-password',
              },
            },
          },
        },
        ...source,
      },
    },
  };
}

const project: K8sObject = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: 'eda-platform', namespace: 'argocd' },
  spec: { sourceRepos: ['https://prometheus-community.github.io/helm-charts'] },
};

const check = (app: K8sObject) =>
  checkApplications([
    setOf('gitops/argocd/envs/dev', [app], 'dev'),
    setOf('gitops/bootstrap/envs/dev', [project], 'dev'),
  ]).map((v) => v.message);

describe('applications policy', () => {
  it('passes a pinned chart whose values reference Secrets by name', () => {
    expect(check(chartApp('kube-prometheus-stack'))).toEqual([]);
  });

  it('fails on a password in helm.valuesObject', () => {
    const app = chartApp('kube-prometheus-stack', {
      helm: { valuesObject: { grafana: { adminPassword: 'prom-operator' } } },
    });
    expect(check(app)).toEqual([
      "helm.valuesObject.grafana.adminPassword holds a literal credential; reference a sealed Secret instead (existingSecret or the chart's equivalent)",
    ]);
  });

  it('fails on a password in the helm.values text and in parameters', () => {
    const app = chartApp('kube-prometheus-stack', {
      helm: {
        values: 'grafana:\n  adminPassword: hunter2\n',
        parameters: [{ name: 'alertmanager.config.global.slack_api_token', value: 'xoxb-1' }],
      },
    });
    expect(check(app)).toEqual([
      expect.stringMatching(/^helm\.values\.grafana\.adminPassword holds a literal credential/),
      expect.stringMatching(
        /^helm\.parameters\.alertmanager\.config\.global\.slack_api_token holds a literal credential/,
      ),
    ]);
  });

  it('fails on image.tag: latest in upstream chart values', () => {
    const app = chartApp('otel-collector', {
      helm: { valuesObject: { image: { repository: 'otel/opentelemetry-collector-k8s', tag: 'latest' } } },
    });
    expect(check(app)).toEqual([
      'helm.valuesObject.image.tag is "latest"; pin an exact image tag (or leave it out to use the chart\'s pinned appVersion)',
    ]);
  });

  it('fails on a latest image written as one string, however deep', () => {
    const findings = valueFindings({ sidecar: { image: 'quay.io/kiwigrid/k8s-sidecar:latest' } });
    expect(findings).toEqual([
      'sidecar.image uses the latest tag ("quay.io/kiwigrid/k8s-sidecar:latest"); pin an exact image tag',
    ]);
  });

  it('fails on an unpinned chart', () => {
    expect(check(chartApp('kube-prometheus-stack', { targetRevision: '77.*' }))).toEqual([
      'pins chart kube-prometheus-stack to "77.*"; pin an exact chart version',
    ]);
  });

  it('fails on a chart repository the project does not allow', () => {
    const app = chartApp('jaeger', {
      repoURL: 'https://jaegertracing.github.io/helm-charts',
      chart: 'jaeger',
      targetRevision: '4.2.0',
      helm: { valuesObject: {} },
    });
    expect(check(app)).toEqual([
      'uses https://jaegertracing.github.io/helm-charts, which AppProject eda-platform does not list in sourceRepos (gitops/bootstrap/base); Argo CD would refuse to sync it',
    ]);
  });
});
