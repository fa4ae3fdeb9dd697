/**
 * The objects the validation works on: Kubernetes manifests parsed from YAML,
 * grouped by where they were rendered from.
 */
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as rendered; only the envelope is typed. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** The output of one `helm template` or `kustomize build`. */
export interface RenderedSet {
  /** Human-readable origin, e.g. `gitops/apps/store-simulator/envs/prod` or `charts/store-simulator (ci/default-values.yaml)`. */
  readonly source: string;
  /** The env the set belongs to (`dev`, `staging`, `prod`), when it comes from an env overlay. */
  readonly env?: string;
  readonly yaml: string;
  readonly objects: readonly K8sObject[];
}

/** A broken rule, with enough context to find and fix it. */
export interface Violation {
  readonly policy: string;
  readonly source: string;
  readonly object: string;
  readonly message: string;
}

/** Thrown when rendered output is not a list of Kubernetes objects. */
export class ManifestParseError extends Error {
  readonly retriable = false;
  constructor(source: string, detail: string) {
    super(`${source}: ${detail}`);
    this.name = 'ManifestParseError';
  }
}

/** Parses a multi-document YAML stream; empty documents are skipped. */
export function parseManifests(text: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new ManifestParseError(source, doc.errors[0]?.message ?? 'invalid YAML');
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) {
      continue;
    }
    if (!isObject(value) || typeof value['kind'] !== 'string' || typeof value['apiVersion'] !== 'string') {
      throw new ManifestParseError(source, 'a document is not a Kubernetes object (kind/apiVersion missing)');
    }
    objects.push({ metadata: {}, ...value } as K8sObject);
  }
  return objects;
}

/** Builds a rendered set from raw YAML. */
export function renderedSet(source: string, yaml: string, env?: string): RenderedSet {
  return { source, yaml, objects: parseManifests(yaml, source), ...(env ? { env } : {}) };
}

/** `Kind namespace/name`, for messages. */
export function describeObject(obj: K8sObject): string {
  const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj.kind} ${ns}${obj.metadata.name ?? '<unnamed>'}`;
}

/** Narrowing helper for parsed YAML. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a nested field, `undefined` when any step is missing. */
export function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) {
      return undefined;
    }
    current = current[key];
  }
  return current;
}
