import { K8sObject } from '../manifest';
import { goodContainer, setOf } from '../testing/fixtures';
import { checkRegistryAccess, checkRegistryHealth, selects } from './registry-policy';

const probes = (path: string, port: string | number) => ({
  startupProbe: { httpGet: { path: '/health/started', port } },
  livenessProbe: { httpGet: { path: '/health/live', port } },
  readinessProbe: { httpGet: { path, port } },
});

function registry(overrides: Record<string, unknown> = probes('/health/ready', 'management')): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'apicurio-registry', namespace: 'eda' },
    spec: {
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'apicurio-registry' } },
        spec: {
          containers: [
            goodContainer({
              name: 'registry',
              image: 'quay.io/apicurio/apicurio-registry:3.3.3',
              ports: [
                { name: 'http', containerPort: 8080 },
                { name: 'management', containerPort: 9000 },
              ],
              ...overrides,
            }),
          ],
        },
      },
    },
  };
}

function monitor(path: string, port: string): K8sObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'apicurio-registry' },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'apicurio-registry' } },
      endpoints: [{ port, path }],
    },
  };
}

describe('registry policy: health', () => {
  it('passes /health/* and /metrics on the management port', () => {
    expect(checkRegistryHealth([setOf('fixture', [registry(), monitor('/metrics', 'management')])])).toEqual(
      [],
    );
  });

  it('fails on the Quarkus /q/health paths Apicurio 3.x answers 404 on', () => {
    const broken = registry({
      startupProbe: { httpGet: { path: '/q/health/started', port: 'http' } },
      livenessProbe: { httpGet: { path: '/q/health/live', port: 8080 } },
      readinessProbe: { httpGet: { path: '/q/health/ready', port: 'http' } },
    });
    const messages = checkRegistryHealth([setOf('fixture', [broken])]).map((v) => v.message);
    expect(messages).toHaveLength(6);
    expect(messages[0]).toBe(
      'container registry: startupProbe uses /q/health/started; Apicurio 3.x serves health at :9000/health/{started,live,ready} (it answers 404 under /q/)',
    );
    expect(messages[1]).toBe(
      'container registry: startupProbe targets port http; health is served on the management port 9000',
    );
  });

  it('fails on the right path on the wrong port', () => {
    const messages = checkRegistryHealth([setOf('fixture', [registry(probes('/health/ready', 8080))])]).map(
      (v) => v.message,
    );
    expect(messages).toContain(
      'container registry: readinessProbe targets port 8080; health is served on the management port 9000',
    );
  });

  it('fails on a scrape of /q/metrics or of the REST port', () => {
    const messages = checkRegistryHealth([setOf('fixture', [registry(), monitor('/q/metrics', 'http')])]).map(
      (v) => v.message,
    );
    expect(messages).toEqual([
      'scrapes the registry at /q/metrics; Apicurio 3.x serves metrics at :9000/metrics',
      'scrapes the registry on port http; metrics are on the management port (9000)',
    ]);
  });
});

function netpol(from: unknown[]): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'apicurio-registry' },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'apicurio-registry' } },
      ingress: [{ from, ports: [{ port: 'http' }] }],
    },
  };
}

function reader(name: string): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': name } },
        spec: {
          containers: [
            goodContainer({
              env: [{ name: 'SCHEMA_REGISTRY_URL', value: 'http://apicurio-registry:8080/apis/ccompat/v7' }],
            }),
          ],
        },
      },
    },
  };
}

const admitted = [
  {
    podSelector: {
      matchExpressions: [
        { key: 'app.kubernetes.io/name', operator: 'In', values: ['schema-deploy', 'store-simulator'] },
      ],
    },
  },
];

const env = (policy: K8sObject) => [
  setOf('gitops/platform/schema-registry/envs/dev', [registry(), policy], 'dev'),
  setOf('gitops/apps/store-simulator/envs/dev', [reader('store-simulator')], 'dev'),
];

describe('registry policy: access', () => {
  it('passes when only the schema Job and the readers are admitted', () => {
    expect(checkRegistryAccess(env(netpol(admitted)))).toEqual([]);
  });

  it('fails when every pod of the namespace may call the registry', () => {
    const messages = checkRegistryAccess(env(netpol([{ podSelector: {} }]))).map((v) => v.message);
    expect(messages[0]).toMatch(/admits every pod of the namespace to the registry's REST port/);
  });

  it('fails when a reading app is not admitted', () => {
    const sets = [
      ...env(netpol(admitted)),
      setOf('gitops/apps/inventory-dashboard/envs/dev', [reader('inventory-dashboard')], 'dev'),
    ];
    const violations = checkRegistryAccess(sets);
    expect(violations.map((v) => `${v.object}: ${v.message}`)).toEqual([
      expect.stringMatching(
        /^Deployment inventory-dashboard: reads SCHEMA_REGISTRY_URL, but the registry's NetworkPolicy \(gitops\/platform\/schema-registry\/envs\/dev\) does not admit its pods/,
      ),
    ]);
  });

  it('fails when no NetworkPolicy protects the registry', () => {
    const sets = [setOf('gitops/platform/schema-registry/envs/dev', [registry()], 'dev')];
    expect(checkRegistryAccess(sets).map((v) => v.message)).toEqual([
      'no NetworkPolicy selects the registry: every pod could write schemas',
    ]);
  });

  it('matches label selectors like Kubernetes', () => {
    expect(selects({}, { a: '1' })).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, { a: '1' })).toBe(
      false,
    );
    expect(selects({ matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, { a: '1' })).toBe(true);
  });
});
