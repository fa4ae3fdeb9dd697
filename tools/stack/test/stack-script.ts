import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

/** Path of the script under test. */
export const STACK_SH = join(__dirname, '..', 'stack.sh');

/** Runs `stack.sh <args>` with extra environment; returns exit code and output. */
export function runStack(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 240_000,
): SpawnSyncReturns<string> {
  return spawnSync('/bin/bash', [STACK_SH, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}
