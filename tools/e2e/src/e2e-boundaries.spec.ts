/**
 * tools/e2e may import an app's `src/serve` (eslint.config.mjs allows it, for
 * this project only, so apps can share an in-process test double). These
 * tests keep that exception narrow: nothing else of an app, and no other project.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const workspaceRoot = join(__dirname, '../../..');

/**
 * Rule ids of the errors ESLint reports for `code` placed at `file`: the real
 * CLI, run from the file's project folder with that project's config, as
 * `nx lint` runs it.
 */
function lintErrors(file: string, code: string): (string | null)[] {
  const project = file.split('/').slice(0, 2).join('/');
  const run = spawnSync(
    join(workspaceRoot, 'node_modules/.bin/eslint'),
    ['--stdin', '--stdin-filename', join(workspaceRoot, file), '--format', 'json'],
    { cwd: join(workspaceRoot, project), input: code, encoding: 'utf8' },
  );
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`eslint failed to run (exit ${run.status}): ${run.stderr}`);
  }
  const [result] = JSON.parse(run.stdout) as Array<{
    messages: { ruleId: string | null; severity: number }[];
  }>;
  return result?.messages.filter((m) => m.severity === 2).map((m) => m.ruleId) ?? [];
}

describe('the e2e exception to "nothing imports an app"', () => {
  jest.setTimeout(60_000);

  it("lets tools/e2e import an app's serve()", () => {
    expect(
      lintErrors(
        'tools/e2e/src/probe.ts',
        "export { serve } from '../../../apps/store-simulator/src/serve';\n",
      ),
    ).toEqual([]);
  });

  it('refuses tools/e2e anything else of an app', () => {
    expect(
      lintErrors(
        'tools/e2e/src/probe.ts',
        "export * from '../../../apps/store-simulator/src/config/mq.config';\n",
      ),
    ).toContain('@nx/enforce-module-boundaries');
  });

  it.each([
    ['apps/mq-bridge/src/probe.ts', "export { serve } from '../../store-simulator/src/serve';\n"],
    ['tools/stack/probe.ts', "export { serve } from '../../apps/store-simulator/src/serve';\n"],
    ['libs/mq/src/probe.ts', "export { serve } from '../../../apps/mq-bridge/src/serve';\n"],
  ])('refuses the same import anywhere else (%s)', (file, code) => {
    expect(lintErrors(file, code)).toContain('@nx/enforce-module-boundaries');
  });
});
