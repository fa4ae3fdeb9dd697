/**
 * Promotion safety: staging must be a rehearsal of prod. Rendered side by
 * side, the two envs may differ only in sizing (replicas, autoscaling bounds,
 * resources, Kafka storage) and in versions (image tags, the version label,
 * env folder paths); anything else is drift that a release would meet for the
 * first time in prod.
 */
import { isObject, K8sObject, RenderedSet, Violation } from '../manifest';

const POLICY = 'env-diff';

/** JSON-pointer patterns of fields that may differ between staging and prod. */
export const INTENDED_DIFFERENCES: readonly RegExp[] = [
  /\/spec\/replicas$/,
  /\/spec\/(minReplicas|maxReplicas)$/,
  /\/resources(\/|$)/,
  /^\/spec\/storage(\/|$)/, // KafkaNodePool sizing
  /\/persistence\/qmPVC\/size$/, // IBM MQ queue manager volume (Application values)
  /\/image$/,
  /\/labels\/app\.kubernetes\.io~1version$/,
  /\/env\/OTEL_RESOURCE_ATTRIBUTES\/value$/, // carries service.version
  /^\/spec\/source\/path$/, // Application -> envs/<env> folder
  /^\/data\/image$/, // schema-release record
];

/** Env lists become maps keyed by variable name, so a diff names the variable. */
function normalise(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    if (key === 'env' && value.every((e) => isObject(e) && typeof e['name'] === 'string')) {
      return Object.fromEntries(value.map((e) => [(e as { name: string }).name, normalise(e)]));
    }
    return value.map((v) => normalise(v));
  }
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v, k)]));
  }
  return value;
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** JSON pointers of every leaf that differs between a and b. */
export function diffPaths(a: unknown, b: unknown, path = ''): string[] {
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diffPaths(a[k], b[k], `${path}/${escape(k)}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((v, i) => diffPaths(v, b[i], `${path}/${i}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path || '/'];
}

const idOf = (o: K8sObject) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

/** Compares each staging overlay with its prod counterpart (same path, `envs/prod`). */
export function checkEnvDiff(sets: readonly RenderedSet[], from = 'staging', to = 'prod'): Violation[] {
  const violations: Violation[] = [];
  const bySource = new Map(sets.map((s) => [s.source, s]));
  for (const a of sets.filter((s) => s.env === from)) {
    const counterpart = a.source.replace(`/envs/${from}`, `/envs/${to}`);
    const b = bySource.get(counterpart);
    const push = (object: string, message: string) =>
      violations.push({ policy: POLICY, source: `${a.source} vs ${counterpart}`, object, message });
    if (!b) {
      push('overlay', `has no ${to} counterpart`);
      continue;
    }
    const objectsB = new Map(b.objects.map((o) => [idOf(o), o]));
    const idsA = new Set(a.objects.map(idOf));
    for (const oa of a.objects) {
      const ob = objectsB.get(idOf(oa));
      if (!ob) {
        push(idOf(oa), `exists in ${from} only`);
        continue;
      }
      const unintended = diffPaths(normalise(oa), normalise(ob)).filter(
        (p) => !INTENDED_DIFFERENCES.some((re) => re.test(p)),
      );
      if (unintended.length) push(idOf(oa), `differs beyond sizing and versions at ${unintended.join(', ')}`);
    }
    for (const id of objectsB.keys()) {
      if (!idsA.has(id)) push(id, `exists in ${to} only`);
    }
  }
  return violations;
}
