/**
 * The build artefact runs without TypeScript tooling: compile into a scratch
 * folder inside the workspace (so node_modules resolve as in an image), then
 * send transactions with the compiled CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaTestContext, uniqueName } from '@eda/testing';
import { consumeTransactions, registerItemsSchema } from '../src/testing/items-topic.fixture';

const workspaceRoot = join(__dirname, '../../..');

describe('store-simulator build', () => {
  const context = new KafkaTestContext('store-simulator-build');
  const outDir = join(workspaceRoot, 'tmp', uniqueName('store-simulator-build'));

  afterAll(async () => {
    rmSync(outDir, { recursive: true, force: true });
    await context.close();
  });

  it('compiles to plain JavaScript whose CLI sends transactions', async () => {
    execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'compile.ts'), '--out-dir', outDir], {
      cwd: workspaceRoot,
    });
    const topic = await context.createTopic('items-build');
    await registerItemsSchema(topic);
    const cli = spawnSync(
      process.execPath,
      [join(outDir, 'apps/store-simulator/src/cli/simulate.js'), '--count', '25', '--seed', '8'],
      { cwd: workspaceRoot, env: { ...process.env, ITEMS_TOPIC: topic }, encoding: 'utf8' },
    );
    expect(cli.stderr).not.toMatch(/Error/);
    expect(cli.stdout).toMatch(/^summary: state=completed sent=25 failed=0 /m);
    expect(cli.status).toBe(0);
    expect(await consumeTransactions(context.kafka, topic, 25)).toHaveLength(25);
  });
});
