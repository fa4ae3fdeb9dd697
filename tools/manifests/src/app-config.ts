/**
 * What an app's configuration module says without running it: the variables
 * apps/<app>/src/config reads and the literal defaults it gives them. The
 * app-kafka-usage policy falls back to these defaults for variables a chart
 * does not set, and checks that the variables it relies on are still read.
 * Apps are never imported (nothing may depend on an app), so this reads the
 * source text.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LITERAL = String.raw`'(?:[^'\\]|\\.)*'`;
const VALUE = String.raw`${LITERAL}|\[[^\]]*\]|true|false|-?[\d_]+`;
/** `integer(env, 'PORT', 3002, ...)`, `oneOf(env, 'X', ALLOWED, 'a')`, `delays(env, 'X', [1, 2])`. */
const CALL_DEFAULT = new RegExp(
  // The default is the third argument, or the fourth and last after a constant (oneOf's allowed values).
  String.raw`\b\w+\(\s*env\s*,\s*'([A-Z][A-Z0-9_]*)'\s*,\s*(?:(${VALUE})(?=\s*[,)])|[A-Z][A-Z0-9_]*\s*,\s*(${VALUE})(?=\s*\)))`,
  'g',
);
/** `env['X'] || 'default'` (or `??`). */
const OR_DEFAULT = new RegExp(
  String.raw`\benv\[\s*'([A-Z][A-Z0-9_]*)'\s*\]\s*(?:\|\||\?\?)\s*(${LITERAL}|-?[\d_]+)(?=\s*[;,)\n])`,
  'g',
);

function literalValue(expr: string): string {
  if (expr.startsWith("'")) return expr.slice(1, -1).replace(/\\(.)/g, '$1');
  if (expr.startsWith('['))
    return expr
      .slice(1, -1)
      .split(',')
      .map((v) => v.trim().replace(/_/g, ''))
      .filter(Boolean)
      .join(',');
  return expr.replace(/_/g, '');
}

/**
 * The literal defaults a config module gives its variables (first default
 * wins): a quoted string, number, boolean or array that is a whole argument.
 * Computed defaults (`7 * DAY`, `hostname()`) are not literals and are left
 * out, so a profile needing such a variable asks the chart to set it.
 */
export function configDefaults(source: string): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const re of [CALL_DEFAULT, OR_DEFAULT]) {
    for (const m of source.matchAll(re)) {
      const [, variable, third, fourth] = m;
      const expr = third ?? fourth;
      if (variable && expr && !(variable in defaults)) defaults[variable] = literalValue(expr);
    }
  }
  return defaults;
}

/** The sources of apps/<app>/src/config (specs excluded), or undefined while the app has none (yet). */
function configSources(root: string, app: string): string[] | undefined {
  const dir = join(root, 'apps', app, 'src', 'config');
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .sort();
  return files.length ? files.map((f) => readFileSync(join(dir, f), 'utf8')) : undefined;
}

/** Defaults from apps/<app>/src/config/*.ts; empty when the app has no such folder yet. */
export function appConfigDefaults(root: string, app: string): Record<string, string> {
  return (configSources(root, app) ?? []).reduce((acc, src) => ({ ...configDefaults(src), ...acc }), {});
}

/** Every quoted UPPER_CASE variable name in apps/<app>/src/config, or undefined without that folder. */
export function appConfigVariables(root: string, app: string): ReadonlySet<string> | undefined {
  const sources = configSources(root, app);
  if (!sources) return undefined;
  return new Set(
    sources.flatMap((src) =>
      [...src.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)].map((m) => m[1] as string),
    ),
  );
}
