/**
 * Everything the compose checks read: the compose file (parsed, merge keys
 * resolved, interpolated with the defaults it declares) and the repository
 * files it must agree with. Checks get file contents through `readText`, so a
 * spec can hand one a deliberately broken copy without touching the tree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { interpolateTree, type VariableReference } from './interpolate';

/** A `depends_on` entry in long syntax. */
export interface DependsOnEntry {
  condition?: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  required?: boolean;
  restart?: boolean;
}

/** A volume in long syntax (short `src:dst[:ro]` strings are normalised to this). */
export interface VolumeMount {
  type: string;
  source?: string;
  target: string;
  read_only?: boolean;
}

/** The subset of a Compose service the checks look at. */
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  expose?: (string | number)[];
  depends_on?: string[] | Record<string, DependsOnEntry>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  profiles?: string[];
  volumes?: (string | VolumeMount)[];
  secrets?: (string | { source: string })[];
  [extension: `x-${string}`]: unknown;
}

/** The subset of a Compose file the checks look at. */
export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; environment?: string }>;
  [key: string]: unknown;
}

/** The inputs of every check. */
export interface ComposeContext {
  /** Workspace root; relative paths in the compose file resolve against it. */
  readonly root: string;
  /** The compose file, interpolated with no environment (so every default applies). */
  readonly compose: ComposeFile;
  /** Every `${VAR}` the compose file references, with its default. */
  readonly variables: readonly VariableReference[];
  /** A repository file's text, by path relative to the root. */
  readonly readText: (relPath: string) => string;
  /** Whether a repository path exists. */
  readonly exists: (relPath: string) => boolean;
}

/** What the compose file is called and where the files it must agree with live. */
export const COMPOSE_FILE = 'docker-compose.yml';
export const ENV_EXAMPLE_FILE = '.env.example';
export const VERSIONS_FILE = 'tools/stack/versions.env';
export const STACK_SCRIPT = 'tools/stack/stack.sh';
export const SUBJECTS_FILE = 'libs/events/schemas/subjects.json';
export const SCHEMAS_DIR = 'libs/events/schemas';
export const NVMRC_FILE = '.nvmrc';

/** The workspace root, from this file's location (tools/compose/src). */
export const WORKSPACE_ROOT = resolve(__dirname, '../../..');

/** Parses compose YAML the way compose does: YAML merge keys (`<<: *anchor`) resolved. */
export function parseComposeYaml(text: string): ComposeFile {
  const doc = parse(text, { merge: true }) as ComposeFile | null;
  if (!doc || typeof doc !== 'object') throw new Error('the compose file is empty');
  return doc;
}

/** Builds the context from a compose text and a root (tests pass a copy or a broken text). */
export function composeContextFrom(
  root: string,
  composeText: string,
  overrides: Record<string, string> = {},
): ComposeContext {
  const variables: VariableReference[] = [];
  const compose = interpolateTree(parseComposeYaml(composeText), {}, variables);
  const readText = (rel: string): string => overrides[rel] ?? readFileSync(join(root, rel), 'utf8');
  const exists = (rel: string): boolean => rel in overrides || existsSync(join(root, rel));
  return { root, compose, variables, readText, exists };
}

/** The context for the repository's own compose file. */
export function loadComposeContext(root: string = WORKSPACE_ROOT): ComposeContext {
  return composeContextFrom(root, readFileSync(join(root, COMPOSE_FILE), 'utf8'));
}

/** A copy of `ctx` whose compose model is changed by `mutate` (for broken fixtures). */
export function withCompose(ctx: ComposeContext, mutate: (compose: ComposeFile) => void): ComposeContext {
  const compose = structuredClone(ctx.compose);
  mutate(compose);
  return { ...ctx, compose };
}

/** A copy of `ctx` that reads `text` for `relPath` (for broken fixtures). */
export function withFile(ctx: ComposeContext, relPath: string, text: string): ComposeContext {
  return {
    ...ctx,
    readText: (rel) => (rel === relPath ? text : ctx.readText(rel)),
    exists: (rel) => rel === relPath || ctx.exists(rel),
  };
}

/** `environment` as a map, whichever syntax the file uses. */
export function environmentOf(service: {
  environment?: ComposeService['environment'];
}): Record<string, string> {
  const env = service.environment;
  if (!env) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** `depends_on` in long syntax; short-syntax entries get no condition. */
export function dependsOnOf(service: ComposeService): Record<string, DependsOnEntry> {
  const deps = service.depends_on;
  if (!deps) return {};
  return Array.isArray(deps) ? Object.fromEntries(deps.map((d) => [d, {}])) : deps;
}

/** `volumes` in long syntax. */
export function volumesOf(service: ComposeService): VolumeMount[] {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return v;
    const [source, target, mode] = v.split(':');
    const isPath = source?.startsWith('.') || source?.startsWith('/');
    return {
      type: isPath ? 'bind' : 'volume',
      source,
      target: target ?? source ?? '',
      read_only: mode?.split(',').includes('ro') ?? false,
    };
  });
}

/** `command` as an argument list (a string command is split on spaces, as compose does without quotes). */
export function commandOf(service: ComposeService): string[] {
  const cmd = service.command;
  if (cmd === undefined) return [];
  return Array.isArray(cmd) ? cmd : cmd.split(/\s+/).filter(Boolean);
}

/** Every string a service carries (command, environment, healthcheck), for reference scans. */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsOf);
  return [];
}

/** Reads a `KEY=value` file (versions.env, .env.example); comments and blank lines skipped. */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] !== undefined) out.set(m[1], (m[2] ?? '').trim());
  }
  return out;
}
