/**
 * A scratch copy of the workspace for generator tests: the files git knows
 * (tracked, plus untracked ones not ignored) copied into a temporary folder,
 * `node_modules` symlinked, and the copy committed to a git repository of its
 * own, so `git status` shows exactly what a generator changed. No worktree:
 * the copy shares nothing with the repository it came from.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Copies a file or a symlink (as a symlink: charts link their library chart); skips one deleted in the working tree. */
function copyEntry(from: string, to: string): void {
  let stat;
  try {
    stat = lstatSync(from);
  } catch {
    return;
  }
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else copyFileSync(from, to);
}

/** The result of one command in the scratch copy. */
export interface CommandResult {
  readonly status: number;
  readonly output: string;
}

/** A temporary copy of the workspace. */
export class ScratchWorkspace {
  private constructor(readonly root: string) {}

  /** Copies the workspace at `source` (its git-known files) and commits the copy. */
  static create(source: string): ScratchWorkspace {
    const root = mkdtempSync(join(tmpdir(), 'eda-gen-'));
    const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: source,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      if (file.startsWith('node_modules/')) continue;
      mkdirSync(dirname(join(root, file)), { recursive: true });
      copyEntry(join(source, file), join(root, file));
    }
    symlinkSync(join(source, 'node_modules'), join(root, 'node_modules'));
    const scratch = new ScratchWorkspace(root);
    scratch.git('init', '-q');
    scratch.git('add', '-A');
    scratch.git('-c', 'user.email=generator@eda.test', '-c', 'user.name=generator', 'commit', '-qm', 'base');
    return scratch;
  }

  /** Runs `command args` in the copy with Nx's daemon, cloud and TUI off. */
  run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): CommandResult {
    const result = spawnSync(command, args, {
      cwd: this.root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        NX_DAEMON: 'false',
        NX_NO_CLOUD: 'true',
        NX_TUI: 'false',
        FORCE_COLOR: '0',
        ...env,
      },
    });
    return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  }

  /** Like {@link run}, but throws with the output's tail unless the command succeeds. */
  expectSuccess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
    const { status, output } = this.run(command, args, env);
    if (status !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} exited ${status}:\n${output.split('\n').slice(-60).join('\n')}`,
      );
    }
    return output;
  }

  /** `git` in the copy. */
  git(...args: string[]): string {
    return this.expectSuccess('git', args);
  }

  /** Removes the copy. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
