/**
 * Jest globalSetup for `*.int-spec.ts`: attach to a running native stack, or
 * start one with `tools/stack/stack.sh up`.
 *
 * - `EDA_STACK_AUTOSTART=false` turns starting off: the run fails fast with a
 *   message saying how to start the stack (useful against a remote cluster).
 * - A stack this setup started is stopped again by the teardown, unless
 *   `EDA_STACK_KEEP=true`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { registryReachable, tcpReachable } from '../probe';
import { stackEndpoints } from '../stack-endpoints';

const workspaceRoot = join(__dirname, '../../../..');

export default async function globalSetup(): Promise<void> {
  const { brokers, registryUrl } = stackEndpoints();
  const kafkaUp = await tcpReachable(brokers[0] ?? '127.0.0.1:9092');
  const registryUp = await registryReachable(registryUrl);
  if (kafkaUp && registryUp) {
    return;
  }
  if (process.env['EDA_STACK_AUTOSTART'] === 'false') {
    throw new Error(
      `Integration tests need Kafka at ${brokers.join(',')} (${kafkaUp ? 'up' : 'down'}) and the registry at ` +
        `${registryUrl} (${registryUp ? 'up' : 'down'}). Start them with 'npm run stack:up', ` +
        `or unset EDA_STACK_AUTOSTART to let the tests start them.`,
    );
  }
  process.stderr.write('\n[eda/testing] stack not running: starting it with tools/stack/stack.sh up\n');
  execFileSync('bash', [join(workspaceRoot, 'tools/stack/stack.sh'), 'up'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: workspaceRoot,
  });
  process.env['EDA_STACK_STARTED_BY_TESTS'] = 'true';
}
