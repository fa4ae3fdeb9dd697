/**
 * `nx run @eda/store-simulator:build`: compiles the app and the workspace
 * libraries it uses into plain CommonJS under `dist/apps/store-simulator`,
 * with SWC (already the test transpiler), so a container runs
 * `node dist/apps/store-simulator/apps/store-simulator/src/main.js` with no
 * TypeScript tooling. SWC emits the decorator metadata NestJS injection needs
 * (esbuild cannot) and rewrites the `@eda/*` path aliases of
 * tsconfig.base.json into relative requires. External packages stay in
 * node_modules (install them with `npm ci --omit=dev`).
 *
 * Usage: compile.ts [--out-dir <dir>]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { transformFileSync, type Options } from '@swc/core';

const workspaceRoot = join(__dirname, '../../..');
/** The app and the libraries it imports (their `src` folders). */
const SOURCE_ROOTS = ['apps/store-simulator/src', 'libs/events/src', 'libs/kafka/src', 'libs/telemetry/src'];
/** Tests and test fixtures stay out of the artefact. */
const EXCLUDED = /\.(int-)?spec(-support)?\.ts$|\/testing\//;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !EXCLUDED.test(path) ? [path] : [];
  });
}

function swcOptions(): Options {
  const { compilerOptions } = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      baseUrl: workspaceRoot,
      paths: compilerOptions.paths,
    },
    module: { type: 'commonjs' },
    sourceMaps: true,
  };
}

function main(): void {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
  const outDir = values['out-dir'] ?? join(workspaceRoot, 'dist/apps/store-simulator');
  rmSync(outDir, { recursive: true, force: true });
  const options = swcOptions();
  const files = SOURCE_ROOTS.flatMap((root) => sourceFiles(join(workspaceRoot, root)));
  for (const file of files) {
    const target = join(outDir, relative(workspaceRoot, file)).replace(/\.ts$/, '.js');
    const { code, map } = transformFileSync(file, {
      ...options,
      sourceFileName: relative(dirname(target), file),
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    if (map) writeFileSync(`${target}.map`, map);
  }
  console.log(`compiled ${files.length} files into ${relative(process.cwd(), outDir) || '.'}`);
}

main();
