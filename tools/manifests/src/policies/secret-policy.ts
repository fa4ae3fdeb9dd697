/**
 * No credentials in git: a `Secret` may not carry `data` or `stringData`.
 * Secrets come from SealedSecrets (decrypted in-cluster) or from operators
 * (Strimzi writes one per KafkaUser).
 *
 * Two checks, because rendering alone misses a file no kustomization lists:
 * - checkNoPlaintextSecrets: every rendered Secret;
 * - checkSecretFiles: every YAML file under gitops/ and charts/ (chart
 *   templates excepted: they are rendered, so the first check sees them),
 *   referenced or not. A plaintext Secret committed "just for now" beside the
 *   SealedSecrets is still committed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describeObject, isObject, K8sObject, RenderedSet, Violation } from '../manifest';

const POLICY = 'secrets';
const FIX = 'seal it with kubeseal (docs/gitops.md) and commit the SealedSecret';

function plaintextKeys(obj: unknown): string[] {
  if (!isObject(obj) || obj['kind'] !== 'Secret' || obj['apiVersion'] !== 'v1') return [];
  return ['data', 'stringData'].filter((k) => isObject(obj[k]) && Object.keys(obj[k] as object).length > 0);
}

/** Flags every Secret with data in the rendered sets. */
export function checkNoPlaintextSecrets(sets: readonly RenderedSet[]): Violation[] {
  const violations: Violation[] = [];
  for (const set of sets) {
    for (const obj of set.objects) {
      const keys = plaintextKeys(obj);
      if (keys.length > 0) {
        violations.push({
          policy: POLICY,
          source: set.source,
          object: describeObject(obj),
          message: `commits ${keys.join(' and ')} in plain text; ${FIX}`,
        });
      }
    }
  }
  return violations;
}

/** Folders scanned by checkSecretFiles, relative to the repository root. */
export const SECRET_SCAN_DIRS: readonly string[] = ['gitops', 'charts'];

function yamlFiles(root: string, dir: string, out: string[]): void {
  const abs = join(root, dir);
  if (!existsSync(abs)) return;
  for (const entry of readdirSync(abs).sort()) {
    const path = join(dir, entry);
    const full = join(root, path);
    const parts = path.split(sep);
    // charts/<app>/charts/eda-lib is a symlink to a chart scanned on its own;
    // charts/<chart>/templates are Go templates, checked once rendered.
    if (parts[0] === 'charts' && (parts[2] === 'charts' || parts[2] === 'templates')) continue;
    const stat = statSync(full);
    if (stat.isDirectory()) yamlFiles(root, path, out);
    else if (/\.ya?ml$/.test(entry)) out.push(path);
  }
}

/**
 * Flags every committed YAML file under gitops/ and charts/ that holds a
 * Secret with data, whether or not a kustomization or chart uses it.
 */
export function checkSecretFiles(root: string, dirs: readonly string[] = SECRET_SCAN_DIRS): Violation[] {
  const files: string[] = [];
  for (const dir of dirs) yamlFiles(root, dir, files);
  const violations: Violation[] = [];
  for (const file of files) {
    let docs;
    try {
      docs = parseAllDocuments(readFileSync(join(root, file), 'utf8'));
    } catch {
      continue;
    }
    for (const doc of docs) {
      if (doc.errors.length > 0) continue;
      const value: unknown = doc.toJS();
      const keys = plaintextKeys(value);
      if (keys.length === 0) continue;
      violations.push({
        policy: POLICY,
        source: relative(root, join(root, file)).split(sep).join('/'),
        object: describeObject({ metadata: {}, ...(value as object) } as K8sObject),
        message: `the file commits ${keys.join(' and ')} in plain text (rendered or not); ${FIX}`,
      });
    }
  }
  return violations;
}
