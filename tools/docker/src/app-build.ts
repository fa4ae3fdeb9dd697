/**
 * The one build of every app (`nx run @eda/<app>:build`, inferred by
 * `src/nx/build-target-plugin.ts`): compiles `apps/<app>/src` and the
 * workspace libraries it imports, transitively, into plain CommonJS under
 * `dist/apps/<app>/`, keeping the repository layout, so the entry point is
 * `dist/apps/<app>/apps/<app>/src/main.js`.
 *
 * Why SWC and not tsc or esbuild: SWC is already the test transpiler, it emits
 * the decorator metadata NestJS injection needs (esbuild cannot), and its
 * `jsc.paths` rewrites the `@eda/*` aliases of tsconfig.base.json into relative
 * requires, so the output needs no path mapping at run time. External packages
 * are not bundled: they come from `node_modules` (`npm ci --omit=dev`), which
 * keeps native addons (ibmmq) and OpenTelemetry's require hooks working.
 *
 * Files that are not TypeScript (the dashboard's page under `live/public/`)
 * are copied beside the output. Tests, fixtures and test harnesses stay out.
 * The build ends by checking that every relative `require` of the output
 * resolves, so a production file that imports a test-only file fails here
 * rather than at start-up in a container.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { transformSync, type Options } from '@swc/core';

/**
 * Tests of every kind (`*.spec.ts`, `*.int-spec.ts`, `*.fault-spec.ts`, ...), test
 * fixtures and harnesses, benchmarks: never part of an artefact.
 */
export const EXCLUDED_SOURCE = /\.([a-z]+-)?spec(-support)?\.ts$|\.fixture\.ts$|\.bench\.ts$|(^|\/)testing\//;

/** Where an app's build goes, relative to the workspace root. */
export function appOutDir(app: string): string {
  return `dist/apps/${app}`;
}

/** The entry point of a built app, relative to its output folder. */
export function appEntryPoint(app: string): string {
  return `apps/${app}/src/main.js`;
}

/**
 * Apps that cannot become ready without IBM MQ and its C client, which only
 * their image and compose's `mq` profile provide: rehearsals skip them unless named.
 */
export const APPS_NEEDING_MQ: readonly string[] = ['mq-bridge'];

/** Apps that have an image: folders under `apps/` with a `src/main.ts` and a `Dockerfile`. */
export function appsWithDockerfile(root: string): string[] {
  return readdirSync(join(root, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((app) => ['src/main.ts', 'Dockerfile'].every((f) => existsSync(join(root, 'apps', app, f))));
}

/** What {@link buildApp} produced. */
export interface AppBuild {
  readonly outDir: string;
  /** Source folders compiled, relative to the root: the app's, then each library's. */
  readonly sourceRoots: readonly string[];
  readonly compiled: number;
  readonly copied: number;
}

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Workspace root. */
  readonly root: string;
  /** App folder name under `apps/`. */
  readonly app: string;
  /** Output folder (absolute, or relative to the root). Defaults to {@link appOutDir}. */
  readonly outDir?: string;
}

interface TsconfigPaths {
  readonly baseUrl: string;
  readonly paths: Record<string, string[]>;
}

function readPaths(root: string): TsconfigPaths {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]>; baseUrl?: string };
  };
  return { baseUrl: join(root, compilerOptions.baseUrl ?? '.'), paths: compilerOptions.paths };
}

/** Every file under `dir` (relative to the root, `/`-separated), tests and fixtures left out. */
function filesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (EXCLUDED_SOURCE.test(path) || entry.name.endsWith('.d.ts')) return [];
    return entry.isDirectory() ? filesUnder(root, path) : [path];
  });
}

/** `@eda/...` specifiers imported (statically or dynamically) by a source text. */
export function workspaceImports(source: string, aliases: Iterable<string>): string[] {
  const known = new Set(aliases);
  const found = new Set<string>();
  for (const m of source.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
    if (known.has(m[1] as string)) found.add(m[1] as string);
  }
  return [...found];
}

/** The `src` folder a path alias points into (`libs/events/src/index.ts` -> `libs/events/src`). */
function sourceRootOf(target: string): string {
  const parts = target.split('/');
  const src = parts.indexOf('src');
  if (src < 0) throw new Error(`path alias target ${target} is not under a src/ folder`);
  return parts.slice(0, src + 1).join('/');
}

/** The app's `src` and every library `src` it reaches through path aliases, transitively. */
export function sourceRootsOf(root: string, app: string): string[] {
  const { paths } = readPaths(root);
  const appRoot = `apps/${app}/src`;
  if (!existsSync(join(root, appRoot, 'main.ts'))) throw new Error(`${appRoot}/main.ts does not exist`);
  const roots = [appRoot];
  for (let i = 0; i < roots.length; i++) {
    for (const file of filesUnder(root, roots[i] as string).filter((f) => f.endsWith('.ts'))) {
      for (const alias of workspaceImports(readFileSync(join(root, file), 'utf8'), Object.keys(paths))) {
        const target = paths[alias]?.[0];
        if (!target) continue;
        const libRoot = sourceRootOf(target);
        if (!roots.includes(libRoot)) roots.push(libRoot);
      }
    }
  }
  return roots;
}

function swcOptions(tsconfig: TsconfigPaths): Options {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      baseUrl: tsconfig.baseUrl,
      paths: tsconfig.paths,
      // Helpers inlined: the output needs no @swc/helpers at run time.
      externalHelpers: false,
      keepClassNames: true,
    },
    module: { type: 'commonjs', strict: false },
    sourceMaps: true,
    swcrc: false,
    configFile: false,
  };
}

/** Relative requires in compiled output that resolve to no emitted file. */
export function unresolvedRequires(outDir: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(outDir, file), 'utf8');
    for (const m of code.matchAll(/require\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) {
      const base = join(outDir, dirname(file), m[1] as string);
      const candidates = [base, `${base}.js`, `${base}.json`, join(base, 'index.js')];
      if (!candidates.some((c) => existsSync(c) && !c.endsWith(sep))) {
        problems.push(`${file}: require("${m[1]}") resolves to nothing in the build`);
      }
    }
  }
  return problems;
}

/** Compiles one app and its libraries; throws when a relative require is left dangling. */
export function buildApp(options: BuildAppOptions): AppBuild {
  const { root, app } = options;
  const outDir = resolve(root, options.outDir ?? appOutDir(app));
  const tsconfig = readPaths(root);
  const swc = swcOptions(tsconfig);
  const sourceRoots = sourceRootsOf(root, app);
  rmSync(outDir, { recursive: true, force: true });
  const emitted: string[] = [];
  let compiled = 0;
  let copied = 0;
  for (const file of sourceRoots.flatMap((dir) => filesUnder(root, dir))) {
    const source = join(root, file);
    if (file.endsWith('.ts')) {
      const target = file.replace(/\.ts$/, '.js');
      const out = join(outDir, target);
      mkdirSync(dirname(out), { recursive: true });
      const { code, map } = transformSync(readFileSync(source, 'utf8'), {
        ...swc,
        filename: source,
        sourceFileName: relative(dirname(out), source),
      });
      const mapName = `${target.split('/').pop()}.map`;
      writeFileSync(out, `${code}\n//# sourceMappingURL=${mapName}\n`);
      if (map) writeFileSync(`${out}.map`, map);
      emitted.push(target);
      compiled++;
    } else {
      const out = join(outDir, file);
      mkdirSync(dirname(out), { recursive: true });
      copyFileSync(source, out);
      emitted.push(file);
      copied++;
    }
  }
  const dangling = unresolvedRequires(outDir, emitted);
  if (dangling.length > 0) {
    throw new Error(`the build of ${app} is incomplete:\n  ${dangling.join('\n  ')}`);
  }
  return { outDir, sourceRoots, compiled, copied };
}
