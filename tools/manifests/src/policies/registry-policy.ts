/**
 * Apicurio Registry as deployed by gitops/platform/schema-registry.
 *
 * Health (`checkRegistryHealth`): Apicurio 3.x serves health and metrics on
 * its management port (9000) at /health/{started,live,ready} and /metrics.
 * The Quarkus defaults under /q/ answer 404, so a probe there never passes:
 * the startup probe kills the pod after its budget and wave 20 never turns
 * healthy. Every container running the registry image must probe /health/*
 * on the management port, and every ServiceMonitor or PodMonitor that selects
 * the registry must scrape /metrics on it.
 *
 * Access (`checkRegistryAccess`): the registry has no authentication, so its
 * NetworkPolicy decides who may call its REST port: the schema Job (the one
 * writer) and the workloads that read schemas. In each env:
 * - the REST port admits no selector that matches every pod (`{}`, or no
 *   `from` at all);
 * - every workload whose env points SCHEMA_REGISTRY_URL at the registry is
 *   admitted (else it could not fetch schemas).
 */
import { describeObject, field, isObject, K8sObject, RenderedSet, Violation } from '../manifest';
import { podSpecOf } from './workload-policy';

const POLICY = 'registry';
/** The registry image, without tag. */
export const REGISTRY_IMAGE = 'quay.io/apicurio/apicurio-registry';
/** The registry's management port. */
export const MANAGEMENT_PORT = 9000;
const SERVICE = 'apicurio-registry';

const isRegistryImage = (image: unknown) =>
  typeof image === 'string' && image.split('@')[0]?.replace(/:[^/:]+$/, '') === REGISTRY_IMAGE;

/** The numeric port a probe targets, resolving a named port against the container. */
function probePort(container: Record<string, unknown>, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  const ports = Array.isArray(container['ports']) ? container['ports'].filter(isObject) : [];
  const named = ports.find((p) => p['name'] === port);
  return typeof named?.['containerPort'] === 'number' ? named['containerPort'] : undefined;
}

/** Checks the registry's probes and the monitors that scrape it. */
export function checkRegistryHealth(sets: readonly RenderedSet[]): Violation[] {
  const violations: Violation[] = [];
  for (const set of sets) {
    const push = (obj: K8sObject, message: string) =>
      violations.push({ policy: POLICY, source: set.source, object: describeObject(obj), message });
    const registryLabels: Array<Record<string, string>> = [];
    for (const obj of set.objects) {
      const pod = podSpecOf(obj);
      if (!pod) continue;
      const containers = Array.isArray(pod['containers']) ? pod['containers'].filter(isObject) : [];
      for (const c of containers.filter((c) => isRegistryImage(c['image']))) {
        const labels = field(obj, 'spec', 'template', 'metadata', 'labels');
        if (isObject(labels)) registryLabels.push(labels as Record<string, string>);
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const get = field(c, probe, 'httpGet');
          if (!isObject(get)) {
            push(
              obj,
              `container ${String(c['name'])}: ${probe} is not an HTTP GET of the registry's /health endpoints`,
            );
            continue;
          }
          const path = String(get['path'] ?? '');
          const port = probePort(c, get['port']);
          if (!path.startsWith('/health/')) {
            push(
              obj,
              `container ${String(c['name'])}: ${probe} uses ${path || '(no path)'}; Apicurio 3.x serves health at :${MANAGEMENT_PORT}/health/{started,live,ready} (it answers 404 under /q/)`,
            );
          }
          if (port !== MANAGEMENT_PORT) {
            push(
              obj,
              `container ${String(c['name'])}: ${probe} targets port ${String(get['port'])}; health is served on the management port ${MANAGEMENT_PORT}`,
            );
          }
        }
      }
    }
    // Monitors that select the registry scrape /metrics on the management port.
    for (const obj of set.objects) {
      if (obj.kind !== 'ServiceMonitor' && obj.kind !== 'PodMonitor') continue;
      const selector = field(obj, 'spec', 'selector', 'matchLabels');
      const selectsRegistry =
        isObject(selector) &&
        (selector['app.kubernetes.io/name'] === SERVICE ||
          registryLabels.some((l) => Object.entries(selector).every(([k, v]) => l[k] === v)));
      if (!selectsRegistry) continue;
      const endpoints = field(
        obj,
        'spec',
        obj.kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints',
      );
      for (const ep of Array.isArray(endpoints) ? endpoints.filter(isObject) : []) {
        const path = String(ep['path'] ?? '/metrics');
        const port = ep['port'] ?? ep['targetPort'];
        if (path !== '/metrics')
          push(
            obj,
            `scrapes the registry at ${path}; Apicurio 3.x serves metrics at :${MANAGEMENT_PORT}/metrics`,
          );
        if (port !== 'management' && port !== MANAGEMENT_PORT)
          push(
            obj,
            `scrapes the registry on port ${String(port)}; metrics are on the management port (${MANAGEMENT_PORT})`,
          );
      }
    }
  }
  return violations;
}

type Selector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
};

/** Whether a label selector matches the labels (an empty selector matches everything). */
export function selects(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const value = labels[e.key];
    const ok =
      e.operator === 'In'
        ? value !== undefined && (e.values ?? []).includes(value)
        : e.operator === 'NotIn'
          ? value === undefined || !(e.values ?? []).includes(value)
          : e.operator === 'Exists'
            ? value !== undefined
            : value === undefined;
    if (!ok) return false;
  }
  return true;
}

const isEmptySelector = (s: Selector) =>
  Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;

function readsRegistry(pod: Record<string, unknown>): boolean {
  const containers = [
    ...(Array.isArray(pod['containers']) ? pod['containers'] : []),
    ...(Array.isArray(pod['initContainers']) ? pod['initContainers'] : []),
  ].filter(isObject);
  return containers.some((c) =>
    (Array.isArray(c['env']) ? c['env'].filter(isObject) : []).some(
      (e) =>
        e['name'] === 'SCHEMA_REGISTRY_URL' &&
        typeof e['value'] === 'string' &&
        e['value'].includes(`//${SERVICE}`),
    ),
  );
}

/** Checks, per env, that the registry's NetworkPolicy admits exactly the schema Job and the readers. */
export function checkRegistryAccess(sets: readonly RenderedSet[]): Violation[] {
  const violations: Violation[] = [];
  const envs = new Set(sets.map((s) => s.env).filter((e): e is string => e !== undefined));
  for (const env of envs) {
    const inEnv = sets.filter((s) => s.env === env);
    const isRegistry = (o: K8sObject) => o.kind === 'Deployment' && o.metadata.name === SERVICE;
    const registrySet = inEnv.find((s) => s.objects.some(isRegistry));
    const registry = registrySet?.objects.find(isRegistry);
    if (!registrySet || !registry) continue;
    const registryLabels = (field(registry, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<
      string,
      string
    >;
    const policies = registrySet.objects.filter(
      (o) =>
        o.kind === 'NetworkPolicy' &&
        selects((field(o, 'spec', 'podSelector') ?? {}) as Selector, registryLabels),
    );
    const push = (source: string, object: string, message: string) =>
      violations.push({ policy: POLICY, source, object, message });
    if (policies.length === 0) {
      push(
        registrySet.source,
        describeObject(registry),
        'no NetworkPolicy selects the registry: every pod could write schemas',
      );
      continue;
    }
    // Peers admitted to the REST port (8080 / "http"), from every policy's ingress rules.
    const admitted: Selector[] = [];
    for (const np of policies) {
      const rules = field(np, 'spec', 'ingress');
      for (const rule of Array.isArray(rules) ? rules.filter(isObject) : []) {
        const ports = Array.isArray(rule['ports']) ? rule['ports'].filter(isObject) : [];
        const coversHttp =
          ports.length === 0 || ports.some((p) => p['port'] === 'http' || p['port'] === 8080);
        if (!coversHttp) continue;
        const from = Array.isArray(rule['from']) ? rule['from'].filter(isObject) : [];
        if (from.length === 0) {
          push(
            registrySet.source,
            describeObject(np),
            "admits every source to the registry's REST port (an ingress rule without `from`)",
          );
          continue;
        }
        for (const peer of from) {
          const pods = (peer['podSelector'] ?? undefined) as Selector | undefined;
          if (peer['ipBlock'] !== undefined || peer['namespaceSelector'] !== undefined) {
            push(
              registrySet.source,
              describeObject(np),
              "admits a namespace or IP block to the registry's REST port; admit the schema Job and the reading apps by pod label",
            );
            continue;
          }
          if (pods && isEmptySelector(pods)) {
            push(
              registrySet.source,
              describeObject(np),
              "admits every pod of the namespace to the registry's REST port (`podSelector: {}`); the registry has no authentication, so any pod could write schemas",
            );
            continue;
          }
          if (pods) admitted.push(pods);
        }
      }
    }
    for (const set of inEnv) {
      for (const obj of set.objects) {
        const pod = podSpecOf(obj);
        if (!pod || !readsRegistry(pod)) continue;
        const labels = (field(obj, 'spec', 'template', 'metadata', 'labels') ??
          (obj.kind === 'Pod' ? obj.metadata.labels : undefined) ??
          {}) as Record<string, string>;
        if (!admitted.some((s) => selects(s, labels))) {
          push(
            set.source,
            describeObject(obj),
            `reads SCHEMA_REGISTRY_URL, but the registry's NetworkPolicy (${registrySet.source}) does not admit its pods (labels ${JSON.stringify(labels)})`,
          );
        }
      }
    }
  }
  return violations;
}
