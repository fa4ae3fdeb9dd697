/**
 * The dashboard as a process (`main.ts` through @swc-node/register, as the
 * `serve` target runs it): SIGKILL in the middle of a stream of updates and a
 * restart lose and duplicate nothing in the view; SIGTERM drains and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { StoreInventory } from '@eda/events';
import { KafkaTestContext, waitFor } from '@eda/testing';
import type { ViewSnapshot } from './inventory/inventory-view';
import { DashboardTopics } from './testing/dashboard-topics.fixture';

const workspaceRoot = join(__dirname, '../../..');

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('inventory-dashboard process', () => {
  const context = new KafkaTestContext('inventory-dashboard-process');
  const topics = new DashboardTopics(context);
  let child: ChildProcess | undefined;
  let port: number;

  beforeAll(async () => {
    await topics.create();
    port = await freePort();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await topics.delete();
    await context.close();
  });

  async function launch(): Promise<ChildProcess> {
    const started = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'main.ts')], {
      cwd: workspaceRoot,
      env: {
        ...process.env,
        ...topics.env({
          LOG_LEVEL: 'warn',
          PORT: String(port),
          HOST: '127.0.0.1',
          SHUTDOWN_TIMEOUT_MS: '20000',
        }),
        SWC_NODE_PROJECT: join(__dirname, '../tsconfig.json'),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitFor(
      'the dashboard to be ready',
      async () => ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200 ? true : undefined),
      45_000,
      250,
    );
    return started;
  }

  const exited = (proc: ChildProcess) =>
    new Promise<number | null>((resolve) =>
      proc.once('exit', (code, signal) => resolve(signal ? null : code)),
    );

  it('loses and duplicates nothing when killed mid-stream and restarted, and drains on SIGTERM', async () => {
    const latest = new Map<string, StoreInventory>();
    let sequence = 0;
    const batch = async (n: number) => {
      const stores = Array.from({ length: n }, () => {
        sequence += 1;
        const store = {
          storeId: `store-${sequence % 25}`,
          items: { A: sequence, B: 1000 - sequence },
          updatedAt: sequence,
        };
        latest.set(store.storeId, store);
        return store;
      });
      await topics.sendStores(stores);
    };
    child = await launch();
    for (let i = 0; i < 10; i++) await batch(50);
    const killed = exited(child);
    child.kill('SIGKILL');
    await killed;
    await batch(200); // while nothing runs

    child = await launch();
    await batch(100);
    const view = await waitFor('the view to hold the latest snapshot of every store', async () => {
      const body = (await (await fetch(`http://127.0.0.1:${port}/api/view`)).json()) as ViewSnapshot;
      return body.stores.length === latest.size &&
        body.stores.every((s) => JSON.stringify(s) === JSON.stringify(latest.get(s.storeId)))
        ? body
        : undefined;
    });
    expect(view.stores.map((s) => s.storeId).sort()).toEqual([...latest.keys()].sort());

    const done = exited(child);
    child.kill('SIGTERM');
    expect(await done).toBe(0);
    child = undefined;
  });
});
