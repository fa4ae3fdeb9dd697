/**
 * The IBM MQ queue manager is wired to what the repo declares. For every env
 * whose Argo CD Applications include IBM's `ibm-mq` chart:
 * - the chart is pinned to a version (a branch or `latest` would change under
 *   a synced cluster);
 * - every ConfigMap it loads MQSC from (`queueManager.mqscConfigMaps`) is
 *   rendered, with the listed keys, by that env's gitops/platform/ibm-mq
 *   overlay (the same .mqsc file compose mounts);
 * - its credentials Secret is a SealedSecret of that env's gitops/platform/secrets;
 * - staging and prod run Native HA (dev may run a single instance);
 * - its pods pass the `restricted` Pod Security Standard of the namespace it
 *   deploys to (eda): the chart sets a seccomp profile only when
 *   `security.context.seccompProfile.type` is given, and runs an init
 *   container as root when `security.initVolumeAsRoot` is true; without the
 *   first, or with the second, the StatefulSet's pods are rejected.
 */
import { isObject, K8sObject, RenderedSet, Violation } from '../manifest';

const POLICY = 'ibm-mq';
/** Envs whose queue manager must be highly available. */
export const NATIVE_HA_ENVS: readonly string[] = ['staging', 'prod'];

interface MqValues {
  queueManager?: {
    mqscConfigMaps?: Array<{ name?: string; items?: string[] }>;
    nativeha?: { enable?: boolean };
  };
  credentials?: { enable?: boolean; secret?: string };
  security?: { context?: { seccompProfile?: { type?: string } }; initVolumeAsRoot?: boolean };
}

/** Namespaces labelled `pod-security.kubernetes.io/enforce: restricted` in the env's namespaces overlay. */
function restrictedNamespaces(sets: readonly RenderedSet[], env: string): Set<string> | undefined {
  const set = sets.find((s) => s.source === `gitops/platform/namespaces/envs/${env}`);
  if (!set) return undefined;
  return new Set(
    set.objects
      .filter(
        (o) =>
          o.kind === 'Namespace' &&
          o.metadata.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted',
      )
      .map((o) => o.metadata.name ?? ''),
  );
}

function mqApplication(set: RenderedSet): K8sObject | undefined {
  return set.objects.find(
    (o) =>
      o.kind === 'Application' &&
      isObject(o['spec']) &&
      isObject((o['spec'] as Record<string, unknown>)['source']) &&
      ((o['spec'] as { source: { chart?: string } }).source.chart ?? '') === 'ibm-mq',
  );
}

/** Checks each env's `ibm-mq` Application against that env's platform overlays. */
export function checkIbmMq(sets: readonly RenderedSet[]): Violation[] {
  const violations: Violation[] = [];
  const bySource = new Map(sets.map((s) => [s.source, s]));
  for (const set of sets.filter((s) => s.source.startsWith('gitops/argocd/envs/'))) {
    const app = mqApplication(set);
    if (!app || !set.env) continue;
    const push = (message: string) =>
      violations.push({
        policy: POLICY,
        source: set.source,
        object: `Application ${app.metadata.name}`,
        message,
      });
    const source = (
      app['spec'] as { source: { targetRevision?: string; helm?: { valuesObject?: MqValues } } }
    ).source;
    if (!/^\d+\.\d+\.\d+$/.test(source.targetRevision ?? '')) {
      push(`pins chart ibm-mq to "${source.targetRevision ?? ''}"; pin an exact chart version`);
    }
    const values = source.helm?.valuesObject ?? {};
    const config = bySource.get(`gitops/platform/ibm-mq/envs/${set.env}`);
    const maps = values.queueManager?.mqscConfigMaps ?? [];
    if (maps.length === 0)
      push('loads no MQSC (queueManager.mqscConfigMaps is empty): the bridge queues would not exist');
    for (const ref of maps) {
      const cm = config?.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === ref.name);
      if (!cm) {
        push(
          `loads MQSC from ConfigMap ${ref.name ?? '?'}, which gitops/platform/ibm-mq/envs/${set.env} does not render`,
        );
        continue;
      }
      const data = (cm['data'] ?? {}) as Record<string, string>;
      for (const item of ref.items ?? []) {
        if (!(item in data)) push(`loads ${item} from ConfigMap ${ref.name}, which has no such key`);
      }
    }
    const secrets = bySource.get(`gitops/platform/secrets/envs/${set.env}`);
    const secretName = values.credentials?.enable ? values.credentials.secret : undefined;
    if (!secretName) {
      push('has no credentials secret (credentials.enable/secret): the app user would have no password');
    } else if (!secrets?.objects.some((o) => o.kind === 'SealedSecret' && o.metadata.name === secretName)) {
      push(
        `reads credentials from ${secretName}, which is not a SealedSecret of gitops/platform/secrets/envs/${set.env}`,
      );
    }
    const namespace = (app['spec'] as { destination?: { namespace?: string } }).destination?.namespace ?? '';
    // Without the env's namespaces overlay, assume the strictest standard.
    const restricted = restrictedNamespaces(sets, set.env)?.has(namespace) ?? true;
    if (restricted) {
      const seccomp = values.security?.context?.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
        push(
          `sets no seccomp profile (security.context.seccompProfile.type is ${seccomp === undefined ? 'unset' : `"${seccomp}"`}); namespace ${namespace || '?'} enforces the restricted Pod Security Standard, so the queue manager's pods would be rejected. Set it to RuntimeDefault`,
        );
      }
      if (values.security?.initVolumeAsRoot === true) {
        push(
          `runs an init container as root (security.initVolumeAsRoot); namespace ${namespace || '?'} enforces the restricted Pod Security Standard`,
        );
      }
    }
    if (NATIVE_HA_ENVS.includes(set.env) && values.queueManager?.nativeha?.enable !== true) {
      push(`runs a single instance in ${set.env}; set queueManager.nativeha.enable (Native HA)`);
    }
  }
  return violations;
}
