/**
 * `npm start`'s demo step: runs the store simulator (3001), the inventory
 * aggregator (3002) and the inventory dashboard (3000) from source, waits until both are ready, sends a short
 * seeded simulation, and prints where to look. Runs until Ctrl-C, which stops
 * both apps gracefully (SIGTERM).
 *
 * DEMO_COUNT (default 2000) and DEMO_SEED (default: random, so every run adds
 * new transactions; a repeated seed is deduplicated by the aggregator).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const count = Number(process.env['DEMO_COUNT'] || 2000);
const seed = Number(process.env['DEMO_SEED'] || Math.floor(Math.random() * 2 ** 32));

/** Starts an app from source, the way its `serve` target does, prefixing its log lines. */
function serve(app: string, port: number): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${app}/src/main.ts`], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      SWC_NODE_PROJECT: `apps/${app}/tsconfig.json`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: Ctrl-C reaches only this script, which then stops each app once, with SIGTERM.
    detached: true,
  });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`demo: ${app} exited (${signal ?? code}); stopping`);
      stop(1);
    }
  });
  return child;
}

async function ready(name: string, url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${url}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`${name} not ready after ${timeoutMs} ms (${url}/health/ready)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

let stopping = false;
const children: ChildProcess[] = [];
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  Promise.all(
    children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))),
  ).then(() => process.exit(code));
}

async function main(): Promise<void> {
  children.push(
    serve('store-simulator', 3001),
    serve('inventory-aggregator', 3002),
    serve('inventory-dashboard', 3000),
  );
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  await Promise.all([
    ready('store-simulator', 'http://127.0.0.1:3001'),
    ready('inventory-aggregator', 'http://127.0.0.1:3002'),
    ready('inventory-dashboard', 'http://127.0.0.1:3000'),
  ]);

  const started = await fetch('http://127.0.0.1:3001/api/simulations', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ backend: 'kafka', count, seed }),
  });
  const { id } = (await started.json()) as { id: string };
  for (;;) {
    const run = (await (await fetch(`http://127.0.0.1:3001/api/simulations/${id}`)).json()) as {
      state: string;
      sent: number;
    };
    if (run.state !== 'running') {
      console.log(`demo: simulation ${id} ${run.state}: ${run.sent} transactions sent (seed ${seed})`);
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }

  console.log(`
Apps are up (Ctrl-C stops them).
  store-simulator       http://127.0.0.1:3001   POST /api/simulations, GET /api/simulations/${id}
  inventory-aggregator  http://127.0.0.1:3002   GET /api/items/:sku, /api/stores/:storeId/inventory, /api/stores/:storeId/sales
  inventory-dashboard   http://127.0.0.1:3000   the live page (server-sent events); low-stock alerts go to inventory.alerts
  Try:  curl -s localhost:3002/api/items/SKU-00001
        curl -s localhost:3002/api/stores/store-001/inventory
        curl -s localhost:3002/api/stores/store-001/sales          (every window; ?from=&to= in ISO-8601 narrows it)
        curl -s -XPOST localhost:3001/api/simulations -H 'content-type: application/json' -d '{"backend":"kafka","count":1000}'
  Health and metrics:  /health/ready, /metrics on either port`);
}

main().catch((err: unknown) => {
  console.error(`demo: failed: ${err instanceof Error ? err.message : String(err)}`);
  stop(1);
});
