/**
 * Pod hardening and operability rules for every workload we render:
 * startup, liveness and readiness probes on long-running containers (liveness
 * on its own endpoint, never the readiness one), requests and a memory limit, non-root,
 * read-only root filesystem, no privilege escalation, all capabilities
 * dropped, RuntimeDefault seccomp, and pinned images (never `latest`).
 */
import { describeObject, field, isObject, K8sObject, RenderedSet, Violation } from '../manifest';

const POLICY = 'workload';

/** Kinds whose pods run until stopped, so they need liveness and readiness probes. */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** Kinds that run pods, and the API versions they come from (a CRD may reuse a kind name). */
const WORKLOAD_KINDS: ReadonlySet<string> = new Set(Object.keys(POD_SPEC_PATHS));
const CORE_API_VERSIONS: ReadonlySet<string> = new Set(['v1', 'apps/v1', 'batch/v1']);

/** The pod spec inside a workload, or undefined for non-workload kinds. */
export function podSpecOf(obj: K8sObject): Record<string, unknown> | undefined {
  const path = POD_SPEC_PATHS[obj.kind];
  const spec = path ? field(obj, ...path) : undefined;
  return isObject(spec) ? spec : undefined;
}

/** Why an image reference is not pinned, or undefined when it is. */
export function unpinnedImage(image: string): string | undefined {
  if (image.includes('@sha256:')) {
    return undefined;
  }
  const lastSegment = image.split('/').pop() ?? image;
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) {
    return `image "${image}" has no tag (it would pull latest)`;
  }
  if (lastSegment.slice(colon + 1) === 'latest') {
    return `image "${image}" uses the latest tag`;
  }
  return undefined;
}

function containerRules(
  container: Record<string, unknown>,
  pod: Record<string, unknown>,
  longRunning: boolean,
): string[] {
  const problems: string[] = [];
  const name = String(container['name'] ?? '<unnamed>');
  const at = (msg: string) => problems.push(`container ${name}: ${msg}`);

  const image = container['image'];
  const imageProblem = typeof image === 'string' ? unpinnedImage(image) : 'has no image';
  if (imageProblem) at(imageProblem);

  if (longRunning) {
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      if (!isObject(container[probe])) at(`has no ${probe}`);
    }
    // Liveness must not follow readiness: a dependency outage (Kafka, the
    // registry) would then restart every pod instead of taking it out of the Service.
    const live = field(container, 'livenessProbe', 'httpGet', 'path');
    if (live !== undefined && live === field(container, 'readinessProbe', 'httpGet', 'path'))
      at(
        `probes liveness and readiness on the same path (${String(live)}); liveness must not check dependencies`,
      );
  }
  if (!field(container, 'resources', 'requests', 'cpu')) at('has no CPU request');
  if (!field(container, 'resources', 'requests', 'memory')) at('has no memory request');
  if (!field(container, 'resources', 'limits', 'memory')) at('has no memory limit');

  const sc = isObject(container['securityContext']) ? container['securityContext'] : {};
  const podSc = isObject(pod['securityContext']) ? pod['securityContext'] : {};
  const runAsNonRoot = sc['runAsNonRoot'] ?? podSc['runAsNonRoot'];
  if (runAsNonRoot !== true) at('does not set runAsNonRoot: true');
  const runAsUser = sc['runAsUser'] ?? podSc['runAsUser'];
  if (runAsUser === 0) at('runs as UID 0');
  if (sc['readOnlyRootFilesystem'] !== true) at('does not set readOnlyRootFilesystem: true');
  if (sc['allowPrivilegeEscalation'] !== false) at('does not set allowPrivilegeEscalation: false');
  if (sc['privileged'] === true) at('is privileged');
  const drop = field(sc, 'capabilities', 'drop');
  if (!Array.isArray(drop) || !drop.includes('ALL')) at('does not drop ALL capabilities');
  const seccomp = field(sc, 'seccompProfile', 'type') ?? field(podSc, 'seccompProfile', 'type');
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') at('has no RuntimeDefault seccomp profile');
  return problems;
}

/** Checks every container (and init container) of every workload in the sets. */
export function checkWorkloads(sets: readonly RenderedSet[]): Violation[] {
  const violations: Violation[] = [];
  for (const set of sets) {
    for (const obj of set.objects) {
      const pod = podSpecOf(obj);
      if (!pod) {
        // A workload kind without a pod spec is what a kustomize patch that
        // deletes (or misplaces) the template leaves behind; the API server would
        // reject it, and no rule below could check it.
        if (WORKLOAD_KINDS.has(obj.kind) && CORE_API_VERSIONS.has(obj.apiVersion)) {
          violations.push({
            policy: POLICY,
            source: set.source,
            object: describeObject(obj),
            message: `has no pod spec (${POD_SPEC_PATHS[obj.kind]?.join('.') ?? 'spec'}); a patch may have deleted it`,
          });
        }
        continue;
      }
      const containers = Array.isArray(pod['containers']) ? pod['containers'] : [];
      const inits = Array.isArray(pod['initContainers']) ? pod['initContainers'] : [];
      if (containers.length === 0) {
        violations.push({
          policy: POLICY,
          source: set.source,
          object: describeObject(obj),
          message: 'has no containers',
        });
      }
      const longRunning = LONG_RUNNING.has(obj.kind);
      for (const container of containers.filter(isObject)) {
        for (const message of containerRules(container, pod, longRunning)) {
          violations.push({ policy: POLICY, source: set.source, object: describeObject(obj), message });
        }
      }
      for (const container of inits.filter(isObject)) {
        for (const message of containerRules(container, pod, false)) {
          violations.push({
            policy: POLICY,
            source: set.source,
            object: describeObject(obj),
            message: `init ${message}`,
          });
        }
      }
    }
  }
  return violations;
}
