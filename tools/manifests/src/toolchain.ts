/**
 * Finds and runs helm, kustomize, kubeconform and actionlint, the binaries that
 * install-tools.sh builds at the versions pinned in versions.env.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The external tools the validation needs. */
export type Tool = 'helm' | 'kustomize' | 'kubeconform' | 'actionlint';

export const TOOLS: readonly Tool[] = ['helm', 'kustomize', 'kubeconform', 'actionlint'];

/** Thrown when a tool is not installed; the message says how to install it. */
export class ToolchainMissingError extends Error {
  readonly retriable = false;
  constructor(
    readonly missing: readonly Tool[],
    searched: readonly string[],
  ) {
    super(
      `${missing.join(', ')} not found (searched ${searched.join(', ')}). ` +
        'Run tools/manifests/install-tools.sh (builds the pinned versions with `go install`), ' +
        'or set EDA_TOOLS_BIN to a directory that holds them.',
    );
    this.name = 'ToolchainMissingError';
  }
}

/** Thrown when a tool exits non-zero; carries its stderr. */
export class ToolFailedError extends Error {
  readonly retriable = false;
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`${command} failed:\n${output.trim()}`);
    this.name = 'ToolFailedError';
  }
}

/** EDA_TOOLS_BIN when set, then the install-tools.sh default (~/.cache/eda-tools/bin). */
export function preferredToolDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [env['EDA_TOOLS_BIN'], join(env['HOME'] || homedir(), '.cache', 'eda-tools', 'bin')];
  return dirs.filter((dir): dir is string => !!dir);
}

/** Directories searched, in order: {@link preferredToolDirs}, then PATH. */
export function toolDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...preferredToolDirs(env), ...(env['PATH'] ?? '').split(delimiter).filter((dir) => !!dir)];
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The resolved path of every tool; throws {@link ToolchainMissingError} naming all that are missing. */
export function locateToolchain(env: NodeJS.ProcessEnv = process.env): Record<Tool, string> {
  const dirs = toolDirs(env);
  const found: Partial<Record<Tool, string>> = {};
  for (const tool of TOOLS) {
    const dir = dirs.find((d) => executable(join(d, tool)));
    if (dir) {
      found[tool] = join(dir, tool);
    }
  }
  const missing = TOOLS.filter((tool) => !found[tool]);
  if (missing.length > 0) {
    throw new ToolchainMissingError(missing, [...preferredToolDirs(env), 'PATH']);
  }
  return found as Record<Tool, string>;
}

/** Runs a tool and returns its stdout; throws {@link ToolFailedError} on a non-zero exit. */
export function runTool(
  binary: string,
  args: readonly string[],
  options: { cwd: string; input?: string } = { cwd: process.cwd() },
): string {
  const result = spawnSync(binary, args, {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const command = [binary.split('/').pop(), ...args].join(' ');
  if (result.error) {
    throw new ToolFailedError(command, result.error.message);
  }
  if (result.status !== 0) {
    throw new ToolFailedError(command, `${result.stderr}\n${result.stdout}`);
  }
  return result.stdout;
}
