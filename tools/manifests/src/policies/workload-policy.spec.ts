import { deployment, goodContainer, setOf } from '../testing/fixtures';
import { checkWorkloads, unpinnedImage } from './workload-policy';

const check = (container: Record<string, unknown>) =>
  checkWorkloads([setOf('fixture', [deployment(container)])]).map((v) => v.message);

describe('workload policy', () => {
  it('accepts a hardened, probed, sized, pinned container', () => {
    expect(check(goodContainer())).toEqual([]);
  });

  it.each([
    ['startupProbe', 'has no startupProbe'],
    ['livenessProbe', 'has no livenessProbe'],
    ['readinessProbe', 'has no readinessProbe'],
    ['resources', 'has no memory limit'],
  ])('flags a container without %s', (key, message) => {
    const c = goodContainer();
    delete c[key];
    expect(check(c)).toContainEqual(`container app: ${message}`);
  });

  it('flags a liveness probe on the readiness endpoint', () => {
    const c = goodContainer({ livenessProbe: { httpGet: { path: '/health/ready', port: 'http' } } });
    expect(check(c)).toEqual([
      'container app: probes liveness and readiness on the same path (/health/ready); liveness must not check dependencies',
    ]);
  });

  it('flags a root container, a writable root filesystem and kept capabilities', () => {
    const messages = check(
      goodContainer({
        securityContext: {
          runAsNonRoot: false,
          runAsUser: 0,
          readOnlyRootFilesystem: false,
          capabilities: { drop: [] },
        },
      }),
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        'container app: does not set runAsNonRoot: true',
        'container app: runs as UID 0',
        'container app: does not set readOnlyRootFilesystem: true',
        'container app: does not set allowPrivilegeEscalation: false',
        'container app: does not drop ALL capabilities',
      ]),
    );
  });

  it('flags the latest tag and a missing tag', () => {
    expect(check(goodContainer({ image: 'ghcr.io/eda-blueprint/store-simulator:latest' }))).toContainEqual(
      'container app: image "ghcr.io/eda-blueprint/store-simulator:latest" uses the latest tag',
    );
    expect(unpinnedImage('registry:5000/app')).toMatch(/has no tag/);
    expect(unpinnedImage('registry:5000/app:1.2.3')).toBeUndefined();
    expect(unpinnedImage('app@sha256:abc')).toBeUndefined();
  });

  it('does not require probes on Jobs, but does require hardening', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'schema-deploy' },
      spec: {
        template: {
          spec: {
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              goodContainer({ livenessProbe: undefined, readinessProbe: undefined, securityContext: {} }),
            ],
          },
        },
      },
    };
    const messages = checkWorkloads([setOf('fixture', [job])]).map((v) => v.message);
    expect(messages).not.toContainEqual(expect.stringContaining('Probe'));
    expect(messages).toContainEqual('container app: does not set runAsNonRoot: true');
  });

  it('fails on a workload whose pod spec a patch deleted, instead of skipping it', () => {
    // What `- op: remove path: /spec/template/spec` (or a strategic-merge patch
    // with `template: null`) leaves behind.
    const gutted = deployment();
    const { spec } = gutted as unknown as { spec: { template: Record<string, unknown> } };
    delete spec.template['spec'];
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: {} } },
    };
    const violations = checkWorkloads([setOf('fixture', [gutted, cronJob])]);
    expect(violations.map((v) => `${v.object}: ${v.message}`)).toEqual([
      'Deployment eda/store-simulator: has no pod spec (spec.template.spec); a patch may have deleted it',
      'CronJob nightly: has no pod spec (spec.jobTemplate.spec.template.spec); a patch may have deleted it',
    ]);
  });

  it('leaves kinds that only share a workload name (a CRD) alone', () => {
    const crd = { apiVersion: 'example.io/v1', kind: 'Job', metadata: { name: 'x' }, spec: {} };
    expect(checkWorkloads([setOf('fixture', [crd])])).toEqual([]);
  });
});
