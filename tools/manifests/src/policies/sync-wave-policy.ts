/**
 * Deployment order. The root Application syncs its children wave by wave,
 * so each stage must sit in a strictly later sync wave than the one before:
 * namespaces -> Sealed Secrets controller -> SealedSecrets -> operators ->
 * telemetry (collector, trace backend) -> monitoring (rules, dashboards) ->
 * Kafka cluster -> topics and users -> registry -> schemas (the gate) ->
 * the queue manager's queue definitions -> the IBM MQ queue manager -> apps.
 *
 * SealedSecrets precede the operators because a chart that reads a missing
 * Secret (Grafana's admin) never becomes healthy, which would stall every
 * later wave. The queue manager is a platform piece like Kafka: it comes
 * before every app, so an app that reads or writes MQ (the bridge, the
 * simulator with MQ on) finds it up, and no platform piece ever waits for an
 * app. Monitoring and telemetry need only the operators' CRDs, so they come
 * early and see the rest start.
 */
import { describeObject, K8sObject, RenderedSet, Violation } from '../manifest';

const POLICY = 'sync-waves';

/** A deployment stage and how to recognise its Applications. */
export interface Stage {
  readonly name: string;
  readonly matches: (app: K8sObject) => boolean;
}

const byName =
  (...names: string[]) =>
  (app: K8sObject) =>
    names.includes(app.metadata.name ?? '');

const isApp = (app: K8sObject) => (app.spec as { project?: string } | undefined)?.project === 'eda-apps';

/**
 * The required order. Apps are recognised by their project, so a new app needs
 * no change here.
 */
export const STAGES: readonly Stage[] = [
  { name: 'namespaces', matches: byName('namespaces') },
  { name: 'secrets-controller', matches: byName('sealed-secrets') },
  { name: 'secrets', matches: byName('platform-secrets') },
  { name: 'operators', matches: byName('strimzi-operator', 'kube-prometheus-stack') },
  { name: 'telemetry', matches: byName('otel-collector', 'jaeger') },
  { name: 'monitoring', matches: byName('monitoring') },
  { name: 'kafka-cluster', matches: byName('kafka-cluster') },
  { name: 'kafka-access', matches: byName('kafka-access') },
  { name: 'schema-registry', matches: byName('schema-registry') },
  { name: 'schemas', matches: byName('schemas') },
  { name: 'mq-config', matches: byName('ibm-mq-config') },
  { name: 'mq', matches: byName('ibm-mq') },
  { name: 'apps', matches: isApp },
];

function waveOf(app: K8sObject): number | undefined {
  const raw = app.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
  const wave = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(wave) ? wave : undefined;
}

/** Checks the Applications of every set that holds Argo CD Applications. */
export function checkSyncWaves(sets: readonly RenderedSet[], stages: readonly Stage[] = STAGES): Violation[] {
  const violations: Violation[] = [];
  for (const set of sets) {
    const apps = set.objects.filter(
      (o) => o.kind === 'Application' && o.apiVersion.startsWith('argoproj.io/'),
    );
    // The bootstrap's root Application has no wave; it is the parent of the others.
    if (apps.length < 2) continue;
    const push = (object: string, message: string) =>
      violations.push({ policy: POLICY, source: set.source, object, message });
    const waves = new Map<number, { min: number; max: number }>();
    for (const app of apps) {
      const stage = stages.findIndex((s) => s.matches(app));
      const wave = waveOf(app);
      if (stage < 0) {
        push(
          describeObject(app),
          'belongs to no deployment stage; add it to STAGES in tools/manifests/src/policies/sync-wave-policy.ts',
        );
        continue;
      }
      if (wave === undefined) {
        push(describeObject(app), 'has no integer argocd.argoproj.io/sync-wave annotation');
        continue;
      }
      const entry = waves.get(stage) ?? { min: wave, max: wave };
      waves.set(stage, { min: Math.min(entry.min, wave), max: Math.max(entry.max, wave) });
    }
    // Stages in the required order; each must start after the previous one ends.
    const present = [...waves.entries()].sort(([a], [b]) => a - b);
    present.forEach(([stage, range], i) => {
      const previous = present[i - 1];
      if (previous && range.min <= previous[1].max) {
        push(
          `stage ${stages[stage]?.name}`,
          `sync wave ${range.min} is not after stage ${stages[previous[0]]?.name} (wave ${previous[1].max})`,
        );
      }
    });
  }
  return violations;
}
