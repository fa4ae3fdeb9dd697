/**
 * The dependency rules in eslint.config.mjs only protect the architecture if
 * they fire. These tests lint small files placed inside real projects and
 * expect the violations a reviewer would want stopped.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const workspaceRoot = join(__dirname, '../..');

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
}

/**
 * Lints `code` as if it were `file`, with the real ESLint CLI: ESLint loads
 * its ESM config through dynamic import, which Jest's module VM does not allow.
 */
function lint(file: string, code: string): LintMessage[] {
  const run = spawnSync(
    join(workspaceRoot, 'node_modules/.bin/eslint'),
    ['--stdin', '--stdin-filename', join(workspaceRoot, file), '--format', 'json'],
    { cwd: workspaceRoot, input: code, encoding: 'utf8' },
  );
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`eslint failed to run (exit ${run.status}): ${run.stderr}`);
  }
  const [result] = JSON.parse(run.stdout) as Array<{ messages: LintMessage[] }>;
  return result?.messages.filter((m) => m.severity === 2) ?? [];
}

describe('module boundaries', () => {
  jest.setTimeout(60_000);

  it('lets a data-access library import another data-access library', async () => {
    expect(lint('libs/kafka/src/boundary-probe.ts', "export { AvroSerde } from '@eda/events';\n")).toEqual(
      [],
    );
  });

  it('keeps the test harness out of production code', async () => {
    const errors = lint('libs/events/src/boundary-probe.ts', "export { uniqueName } from '@eda/testing';\n");
    expect(errors.map((e) => e.ruleId)).toContain('no-restricted-imports');
    expect(errors[0]?.message).toContain('The test harness is for tests');
  });

  it('still lets a library test use the harness', async () => {
    expect(
      lint('libs/events/src/boundary-probe.spec.ts', "export { uniqueName } from '@eda/testing';\n"),
    ).toEqual([]);
  });

  it('rejects a relative import into another project', async () => {
    const errors = lint('libs/kafka/src/boundary-probe.ts', "export * from '../../events/src/errors';\n");
    expect(errors.map((e) => e.ruleId)).toContain('@nx/enforce-module-boundaries');
  });

  it('rejects a dependency cycle: the harness importing a library whose tests import the harness', async () => {
    const errors = lint(
      'libs/testing/src/boundary-probe.ts',
      "export { reconcileTopics } from '@eda/kafka/topics';\n",
    );
    expect(errors.map((e) => e.ruleId)).toContain('@nx/enforce-module-boundaries');
    expect(errors[0]?.message).toMatch(/[Cc]ircular dependency/);
  });
});
