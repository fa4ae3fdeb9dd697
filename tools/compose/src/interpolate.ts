/**
 * Compose variable interpolation, as `docker compose` applies it to every
 * string value of the file (https://compose-spec.io, "Interpolation"):
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}` and `$$` for a literal dollar. Nested defaults are not used in
 * this repository and are not supported.
 */

/** Thrown for `${VAR:?message}` with VAR unset, as compose would refuse to start. */
export class InterpolationError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'InterpolationError';
  }
}

/** One `${...}` reference and the default it carries, if any. */
export interface VariableReference {
  readonly name: string;
  readonly fallback: string | undefined;
}

const REFERENCE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Interpolates one string; `seen` collects every variable it references. */
export function interpolate(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  seen: VariableReference[] = [],
): string {
  return text.replace(REFERENCE, (match, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = env[name];
    const unsetOrEmpty = value === undefined || (op?.startsWith(':') === true && value === '');
    seen.push({ name, fallback: op?.endsWith('-') ? arg : undefined });
    if (op?.endsWith('-')) return unsetOrEmpty ? (arg ?? '') : (value ?? '');
    if (op?.endsWith('?') && unsetOrEmpty) {
      throw new InterpolationError(`variable ${name} is required: ${arg ?? ''}`);
    }
    return value ?? '';
  });
}

/** Interpolates every string value (not key) of a parsed YAML document. */
export function interpolateTree<T>(
  node: T,
  env: Readonly<Record<string, string | undefined>>,
  seen: VariableReference[] = [],
): T {
  if (typeof node === 'string') return interpolate(node, env, seen) as T;
  if (Array.isArray(node)) return node.map((n: unknown) => interpolateTree(n, env, seen)) as T;
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, env, seen)])) as T;
  }
  return node;
}
