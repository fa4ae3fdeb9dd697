import { K8sObject, RenderedSet } from '../manifest';
import { setOf } from '../testing/fixtures';
import { checkIbmMq } from './ibm-mq-policy';

function mqApp(overrides: { targetRevision?: string; values?: Record<string, unknown> } = {}): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'ibm-mq', namespace: 'argocd' },
    spec: {
      destination: { namespace: 'eda' },
      source: {
        repoURL: 'https://ibm-messaging.github.io/mq-helm',
        chart: 'ibm-mq',
        targetRevision: overrides.targetRevision ?? '10.1.0',
        helm: {
          valuesObject: {
            queueManager: {
              name: 'QM1',
              mqscConfigMaps: [{ name: 'eda-mq-mqsc', items: ['20-eda-queues.mqsc'] }],
              nativeha: { enable: true },
            },
            credentials: { enable: true, secret: 'ibm-mq-credentials' },
            security: { context: { seccompProfile: { type: 'RuntimeDefault' } }, initVolumeAsRoot: false },
            ...overrides.values,
          },
        },
      },
    },
  };
}

function repo(
  env: string,
  app: K8sObject,
  extra: { noConfigMap?: boolean; noSecret?: boolean } = {},
): RenderedSet[] {
  const configMap: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'eda-mq-mqsc', namespace: 'eda' },
    data: { '20-eda-queues.mqsc': "DEFINE QLOCAL('DEV.ITEMS') REPLACE" },
  };
  const secret: K8sObject = {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'ibm-mq-credentials', namespace: 'eda' },
  };
  const namespace: K8sObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'eda', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  };
  return [
    setOf(`gitops/argocd/envs/${env}`, [app], env),
    setOf(`gitops/platform/ibm-mq/envs/${env}`, extra.noConfigMap ? [] : [configMap], env),
    setOf(`gitops/platform/secrets/envs/${env}`, extra.noSecret ? [] : [secret], env),
    setOf(`gitops/platform/namespaces/envs/${env}`, [namespace], env),
  ];
}

describe('ibm-mq policy', () => {
  it('passes a pinned, HA queue manager whose MQSC and credentials are declared', () => {
    expect(checkIbmMq(repo('prod', mqApp()))).toEqual([]);
  });

  it.each([
    ['an unpinned chart', repo('prod', mqApp({ targetRevision: 'main' })), /pin an exact chart version/],
    ['a missing MQSC ConfigMap', repo('prod', mqApp(), { noConfigMap: true }), /does not render/],
    [
      'an MQSC key the ConfigMap lacks',
      repo(
        'prod',
        mqApp({
          values: {
            queueManager: {
              mqscConfigMaps: [{ name: 'eda-mq-mqsc', items: ['30-other.mqsc'] }],
              nativeha: { enable: true },
            },
          },
        }),
      ),
      /30-other.mqsc from ConfigMap eda-mq-mqsc, which has no such key/,
    ],
    [
      'no MQSC at all',
      repo('prod', mqApp({ values: { queueManager: { nativeha: { enable: true } } } })),
      /loads no MQSC/,
    ],
    ['credentials not sealed', repo('prod', mqApp(), { noSecret: true }), /not a SealedSecret/],
    [
      'no seccomp profile in a restricted namespace (the chart sets none by default)',
      repo('prod', mqApp({ values: { security: { context: { seccompProfile: { type: null } } } } })),
      /sets no seccomp profile \(security.context.seccompProfile.type is "null"\); namespace eda enforces the restricted Pod Security Standard/,
    ],
    [
      'no security values at all',
      repo('dev', mqApp({ values: { security: undefined } })),
      /security.context.seccompProfile.type is unset/,
    ],
    [
      'an init container as root',
      repo(
        'prod',
        mqApp({
          values: {
            security: { context: { seccompProfile: { type: 'RuntimeDefault' } }, initVolumeAsRoot: true },
          },
        }),
      ),
      /runs an init container as root/,
    ],
    [
      'a single instance in prod',
      repo(
        'prod',
        mqApp({
          values: {
            queueManager: {
              mqscConfigMaps: [{ name: 'eda-mq-mqsc', items: ['20-eda-queues.mqsc'] }],
              nativeha: { enable: false },
            },
          },
        }),
      ),
      /single instance in prod/,
    ],
  ])('fails on %s', (_name, sets, message) => {
    const violations = checkIbmMq(sets);
    expect(violations.map((v) => v.message).join('\n')).toMatch(message);
  });

  it('lets dev run a single instance', () => {
    const single = mqApp({
      values: {
        queueManager: {
          mqscConfigMaps: [{ name: 'eda-mq-mqsc', items: ['20-eda-queues.mqsc'] }],
          nativeha: { enable: false },
        },
      },
    });
    expect(checkIbmMq(repo('dev', single))).toEqual([]);
  });
});
