/**
 * The GitHub Actions workflows (.github/workflows), checked offline with
 * actionlint: YAML shape, job graph (`needs`), expressions and their types,
 * contexts, action inputs of well-known actions, runner labels. shellcheck
 * and pyflakes are switched off, so the result is the same on every machine
 * whatever else is installed. Each finding becomes a `workflows` violation.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Violation } from './manifest';
import { ToolFailedError } from './toolchain';

/** Where the workflows live, relative to the repository root. */
export const WORKFLOWS_DIR = '.github/workflows';

interface ActionlintError {
  message: string;
  filepath: string;
  line: number;
  column: number;
  kind: string;
}

/** The workflow files of a directory (relative to `root`), sorted. */
export function workflowFiles(root: string, dir = WORKFLOWS_DIR): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${dir}/${f}`);
}

/** Runs actionlint over the workflows of `dir`; every finding is a violation. */
export function checkWorkflows(actionlint: string, root: string, dir = WORKFLOWS_DIR): Violation[] {
  const files = workflowFiles(root, dir);
  if (files.length === 0) return [];
  const result = spawnSync(
    actionlint,
    ['-no-color', '-shellcheck=', '-pyflakes=', '-format', '{{json .}}', ...files],
    { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const command = `actionlint ${files.join(' ')}`;
  if (result.error) throw new ToolFailedError(command, result.error.message);
  // Exit 0: clean; 1: findings (JSON on stdout); anything else: actionlint itself failed.
  if (result.status !== 0 && result.status !== 1) {
    throw new ToolFailedError(command, `${result.stderr}\n${result.stdout}`);
  }
  const text = result.stdout.trim();
  const errors: ActionlintError[] =
    text === '' || text === 'null' ? [] : (JSON.parse(text) as ActionlintError[]);
  if (result.status === 1 && errors.length === 0) {
    throw new ToolFailedError(command, `exited 1 without findings:\n${result.stderr}`);
  }
  return errors.map((e) => ({
    policy: 'workflows',
    source: e.filepath,
    object: `line ${e.line}:${e.column}`,
    message: `${e.message} [${e.kind}]`,
  }));
}
