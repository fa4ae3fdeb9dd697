/** Jest globalTeardown: stops the stack only if globalSetup started it. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const workspaceRoot = join(__dirname, '../../../..');

export default async function globalTeardown(): Promise<void> {
  if (process.env['EDA_STACK_STARTED_BY_TESTS'] !== 'true' || process.env['EDA_STACK_KEEP'] === 'true') {
    return;
  }
  execFileSync('bash', [join(workspaceRoot, 'tools/stack/stack.sh'), 'down'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: workspaceRoot,
  });
}
