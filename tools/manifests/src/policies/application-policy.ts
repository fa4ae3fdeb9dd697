/**
 * Argo CD Applications that install upstream Helm charts. Their values never
 * pass through helm template here (the chart repositories are not reachable
 * offline), so what they say is checked as data:
 * - the chart is pinned to an exact version (a range, a branch or `latest`
 *   would change under a synced cluster);
 * - no image in the values is `latest`, an empty tag, or untagged
 *   (`image.tag`, `image: repo:tag`, `<x>.image.tag`, ...);
 * - no credential is written in the values (`helm.valuesObject`, the
 *   `helm.values` text, or `helm.parameters`): a key named like a password,
 *   token or secret key with a literal value. Secrets are referenced by name
 *   (existingSecret, credentials.secret, ...), and their content is sealed;
 * - the source repository is one the Application's AppProject allows
 *   (otherwise Argo CD refuses to sync it), when the env's AppProjects are
 *   rendered (gitops/bootstrap/envs/<env>).
 */
import { parse } from 'yaml';
import { describeObject, isObject, K8sObject, RenderedSet, Violation } from '../manifest';

const POLICY = 'applications';

/** Keys whose literal value would be a credential. `passwordKey`, `existingSecret` do not match. */
const CREDENTIAL_KEY =
  /(password|passwd|passphrase|token|secret[-_]?key|api[-_]?key|access[-_]?key|private[-_]?key|client[-_]?secret)$/i;

interface HelmSource {
  repoURL?: string;
  chart?: string;
  targetRevision?: string;
  helm?: {
    valuesObject?: unknown;
    values?: string;
    parameters?: Array<{ name?: string; value?: string }>;
  };
}

function sourcesOf(app: K8sObject): HelmSource[] {
  const spec = isObject(app['spec']) ? app['spec'] : {};
  const list: unknown[] = [];
  if (isObject(spec['source'])) list.push(spec['source']);
  if (Array.isArray(spec['sources'])) list.push(...spec['sources']);
  return list.filter(isObject) as HelmSource[];
}

/** Why an image reference string is not pinned, or undefined. */
function unpinned(ref: string): string | undefined {
  if (ref.includes('@sha256:')) return undefined;
  const last = ref.split('/').pop() ?? ref;
  const colon = last.lastIndexOf(':');
  if (colon < 0) return undefined; // a bare repository: the tag is set elsewhere
  return last.slice(colon + 1) === 'latest' ? `uses the latest tag ("${ref}")` : undefined;
}

/** Walks values; reports credential literals and unpinned images with their path. */
export function valueFindings(values: unknown, path: string[] = []): string[] {
  const findings: string[] = [];
  if (Array.isArray(values)) {
    values.forEach((v, i) => findings.push(...valueFindings(v, [...path, String(i)])));
    return findings;
  }
  if (!isObject(values)) return findings;
  const inImage = path.length > 0 && /image$/i.test(path[path.length - 1] ?? '');
  for (const [key, value] of Object.entries(values)) {
    const at = [...path, key].join('.');
    if (
      CREDENTIAL_KEY.test(key) &&
      (typeof value === 'string' || typeof value === 'number') &&
      value !== ''
    ) {
      findings.push(
        `${at} holds a literal credential; reference a sealed Secret instead (existingSecret or the chart's equivalent)`,
      );
    }
    if (inImage && key === 'tag' && (value === 'latest' || value === '' || value === null)) {
      findings.push(
        `${at} is "${String(value ?? '')}"; pin an exact image tag (or leave it out to use the chart's pinned appVersion)`,
      );
    }
    if (/image$/i.test(key) && typeof value === 'string') {
      const problem = unpinned(value);
      if (problem) findings.push(`${at} ${problem}; pin an exact image tag`);
    }
    if (inImage && key === 'repository' && typeof value === 'string') {
      const problem = unpinned(value);
      if (problem) findings.push(`${at} ${problem}; pin an exact image tag`);
    }
    findings.push(...valueFindings(value, [...path, key]));
  }
  return findings;
}

function projectRepos(sets: readonly RenderedSet[], env: string | undefined): Map<string, string[]> {
  const repos = new Map<string, string[]>();
  for (const set of sets) {
    if (set.env !== env) continue;
    for (const obj of set.objects) {
      if (obj.kind !== 'AppProject' || !obj.apiVersion.startsWith('argoproj.io/')) continue;
      const list = (obj['spec'] as { sourceRepos?: string[] } | undefined)?.sourceRepos ?? [];
      repos.set(obj.metadata.name ?? '', list);
    }
  }
  return repos;
}

/** Checks every Argo CD Application in the sets. */
export function checkApplications(sets: readonly RenderedSet[]): Violation[] {
  const violations: Violation[] = [];
  for (const set of sets) {
    const apps = set.objects.filter(
      (o) => o.kind === 'Application' && o.apiVersion.startsWith('argoproj.io/'),
    );
    if (apps.length === 0) continue;
    const projects = projectRepos(sets, set.env);
    for (const app of apps) {
      const push = (message: string) =>
        violations.push({ policy: POLICY, source: set.source, object: describeObject(app), message });
      for (const source of sourcesOf(app)) {
        if (source.chart !== undefined && !/^v?\d+\.\d+\.\d+$/.test(source.targetRevision ?? '')) {
          push(`pins chart ${source.chart} to "${source.targetRevision ?? ''}"; pin an exact chart version`);
        }
        const helm = source.helm;
        if (helm) {
          const findings = [...valueFindings(helm.valuesObject ?? {}, ['helm', 'valuesObject'])];
          if (typeof helm.values === 'string' && helm.values.trim() !== '') {
            let parsed: unknown;
            try {
              parsed = parse(helm.values);
            } catch {
              parsed = undefined;
              push('helm.values is not valid YAML');
            }
            findings.push(...valueFindings(parsed ?? {}, ['helm', 'values']));
          }
          for (const p of helm.parameters ?? []) {
            findings.push(
              ...valueFindings({ [(p.name ?? '').split('.').pop() ?? '']: p.value }, [
                'helm',
                'parameters',
                ...(p.name ?? '').split('.').slice(0, -1),
              ]),
            );
          }
          findings.forEach(push);
        }
        const project = (app['spec'] as { project?: string } | undefined)?.project ?? 'default';
        const allowed = projects.get(project);
        if (allowed && source.repoURL && !allowed.includes('*') && !allowed.includes(source.repoURL)) {
          push(
            `uses ${source.repoURL}, which AppProject ${project} does not list in sourceRepos (gitops/bootstrap/base); Argo CD would refuse to sync it`,
          );
        }
      }
    }
  }
  return violations;
}
