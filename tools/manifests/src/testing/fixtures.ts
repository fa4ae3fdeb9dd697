/**
 * Small, valid manifests for the policy specs; each spec breaks one thing
 * and expects the policy to notice.
 */
import { K8sObject, RenderedSet } from '../manifest';

/** A rendered set built from objects (YAML text is not needed by policies). */
export function setOf(source: string, objects: K8sObject[], env?: string): RenderedSet {
  return { source, yaml: '', objects, ...(env ? { env } : {}) };
}

/** A hardened container that satisfies every workload rule. */
export function goodContainer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'app',
    image: 'ghcr.io/eda-blueprint/store-simulator:0.1.0',
    livenessProbe: { httpGet: { path: '/health/live', port: 'http' } },
    readinessProbe: { httpGet: { path: '/health/ready', port: 'http' } },
    startupProbe: { httpGet: { path: '/health/live', port: 'http' } },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    securityContext: {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
    ...overrides,
  };
}

/** A Deployment whose single container is `container`. */
export function deployment(
  container: Record<string, unknown> = goodContainer(),
  name = 'store-simulator',
): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'eda' },
    spec: {
      template: {
        spec: {
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [container],
        },
      },
    },
  };
}

/** A KafkaUser with the given ACL rules. */
export function kafkaUser(name: string, acls: unknown[]): K8sObject {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: { name, labels: { 'strimzi.io/cluster': 'eda' } },
    spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls } },
  };
}

/** A KafkaTopic. */
export function kafkaTopic(name: string): K8sObject {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: { name, labels: { 'strimzi.io/cluster': 'eda' } },
    spec: { topicName: name, partitions: 1, replicas: 3 },
  };
}

/** An Argo CD Application in a sync wave. */
export function application(name: string, wave: number | undefined, project = 'eda-platform'): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      ...(wave === undefined ? {} : { annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } }),
    },
    spec: { project },
  };
}
