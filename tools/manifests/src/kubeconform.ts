/**
 * Schema validation of rendered manifests with kubeconform, against the
 * offline schemas when available (EDA_K8S_SCHEMAS, default ../shared/k8s-schemas
 * from the repo root) and kubeconform's public locations otherwise.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isObject, RenderedSet } from './manifest';

/** The Kubernetes version the schemas describe. */
export const KUBERNETES_VERSION = '1.34.0';

/** Where the CRD schemas live online (the same layout as the offline copy). */
export const REMOTE_CRD_LOCATION =
  'https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json';

/**
 * Makes a JSON schema strict the way `openapi2jsonschema --strict` does: every
 * object with declared properties rejects undeclared ones, unless Kubernetes
 * marks it as preserving unknown fields. kubeconform's -strict only picks the
 * strict flavour of its remote schemas; the offline Kubernetes schemas are the
 * lenient flavour, so without this a typo such as `replica:` would pass.
 */
export function strictSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'enum' || k === 'default' ? v : strictSchema(v);
  if (
    isObject(node['properties']) &&
    !('additionalProperties' in node) &&
    !node['x-kubernetes-preserve-unknown-fields']
  ) {
    out['additionalProperties'] = false;
  }
  return out;
}

function strictCopy(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from).filter((f) => f.endsWith('.json'))) {
    const schema: unknown = JSON.parse(readFileSync(join(from, file), 'utf8'));
    writeFileSync(join(to, file), JSON.stringify(strictSchema(schema)));
  }
}

/** The offline schema directory (EDA_K8S_SCHEMAS, default ../shared/k8s-schemas), when it exists. */
export function offlineSchemaDir(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = resolve(root, env['EDA_K8S_SCHEMAS'] || '../shared/k8s-schemas');
  return existsSync(join(dir, 'kubernetes-v1.34')) && existsSync(join(dir, 'crds')) ? dir : undefined;
}

/**
 * kubeconform's -schema-location arguments: the offline directory (its
 * Kubernetes schemas made strict into `workDir`) if present, else remote.
 */
export function schemaLocations(
  root: string,
  workDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { offline: boolean; locations: string[] } {
  const dir = offlineSchemaDir(root, env);
  if (dir) {
    const strictDir = join(workDir, 'kubernetes-v1.34-strict');
    strictCopy(join(dir, 'kubernetes-v1.34'), strictDir);
    return {
      offline: true,
      locations: [
        join(strictDir, '{{ .ResourceKind }}{{ .KindSuffix }}.json'),
        join(dir, 'crds', '{{ .Group }}', '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
      ],
    };
  }
  return { offline: false, locations: ['default', REMOTE_CRD_LOCATION] };
}

/** One resource kubeconform did not accept (invalid, error or skipped). */
export interface SchemaFinding {
  readonly source: string;
  readonly kind: string;
  readonly name: string;
  readonly status: 'invalid' | 'error' | 'skipped';
  readonly message: string;
}

export interface SchemaReport {
  readonly offline: boolean;
  readonly summary: { valid: number; invalid: number; errors: number; skipped: number };
  readonly findings: readonly SchemaFinding[];
}

interface KubeconformOutput {
  resources?: { filename: string; kind: string; name: string; status: string; msg: string }[];
  summary?: { valid: number; invalid: number; errors: number; skipped: number };
}

/** Runs kubeconform -strict once over every rendered set (one temp file each). */
export function validateSchemas(
  kubeconform: string,
  root: string,
  sets: readonly RenderedSet[],
): SchemaReport {
  const dir = mkdtempSync(join(tmpdir(), 'eda-manifests-'));
  const sourceOf = new Map<string, string>();
  try {
    const { offline, locations } = schemaLocations(root, join(dir, 'schemas'));
    const manifests = join(dir, 'manifests');
    mkdirSync(manifests);
    sets.forEach((set, i) => {
      const file = join(manifests, `${String(i).padStart(3, '0')}.yaml`);
      writeFileSync(file, set.yaml);
      sourceOf.set(file, set.source);
    });
    const args = ['-strict', '-summary', '-output', 'json', '-kubernetes-version', KUBERNETES_VERSION];
    for (const location of locations) {
      args.push('-schema-location', location);
    }
    const result = spawnSync(kubeconform, [...args, manifests], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    let output: KubeconformOutput;
    try {
      output = JSON.parse(result.stdout) as KubeconformOutput;
    } catch {
      throw new Error(
        `kubeconform printed no JSON report (exit ${result.status}):\n${result.stderr}${result.stdout}`,
      );
    }
    const findings = (output.resources ?? [])
      .filter((r) => r.status !== 'statusValid' && r.status !== 'statusEmpty')
      .map((r) => ({
        source: sourceOf.get(r.filename) ?? r.filename,
        kind: r.kind,
        name: r.name,
        status: r.status.replace(/^status/, '').toLowerCase() as SchemaFinding['status'],
        message: r.msg,
      }));
    return {
      offline,
      summary: output.summary ?? { valid: 0, invalid: 0, errors: 0, skipped: 0 },
      findings,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
