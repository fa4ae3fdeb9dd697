/**
 * Builds one app into dist/apps/<app>/ (see ../app-build.ts). The `build`
 * target of every app runs this: `npx nx run @eda/<app>:build`.
 *
 *   tsx tools/docker/src/cli/build.ts <app> [--out-dir <dir>]
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { appEntryPoint, buildApp } from '../app-build';
import { WORKSPACE_ROOT } from '../workspace';

const { values, positionals } = parseArgs({
  options: { 'out-dir': { type: 'string' } },
  allowPositionals: true,
});
const app = positionals[0];
if (!app || positionals.length > 1) {
  console.error('usage: build.ts <app> [--out-dir <dir>]');
  process.exit(2);
}
try {
  const build = buildApp({
    root: WORKSPACE_ROOT,
    app,
    ...(values['out-dir'] ? { outDir: values['out-dir'] } : {}),
  });
  const out = relative(process.cwd(), build.outDir) || '.';
  console.log(
    `${app}: compiled ${build.compiled} files and copied ${build.copied} from ${build.sourceRoots.join(', ')} ` +
      `into ${out}; run: node ${out}/${appEntryPoint(app)}`,
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
