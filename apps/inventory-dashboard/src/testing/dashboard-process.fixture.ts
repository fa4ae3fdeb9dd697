/**
 * Integration-test fixture: the dashboard as a real process (`main.ts`
 * through @swc-node/register, as the `serve` target runs it), so a test can
 * kill it with SIGKILL, and how many times it applied the records of each
 * input topic, read from its `/metrics` as an operator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { KafkaTestContext } from '@eda/testing';
import { waitFor } from '@eda/testing';

const appRoot = join(__dirname, '../..');
const workspaceRoot = join(appRoot, '../..');

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A running dashboard process. */
export interface DashboardProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** SIGKILL (kill -9): no drain, no final commit. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM; resolves with the exit code. */
  terminate(): Promise<number | null>;
}

/** Starts `main.ts` on `port` with `env` and waits until it is ready (caught up). */
export async function launchDashboard(port: number, env: Record<string, string>): Promise<DashboardProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(appRoot, 'src/main.ts')], {
    cwd: workspaceRoot,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '20000',
      ...env,
      SWC_NODE_PROJECT: join(appRoot, 'tsconfig.json'),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve(child.exitCode)
      : new Promise<number | null>((resolve) =>
          child.once('exit', (code, signal) => resolve(signal ? null : code)),
        );
  await waitFor(
    'the dashboard to be ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`the dashboard exited with ${child.exitCode}`);
      return (await fetch(`${url}/health/ready`)).status === 200 ? true : undefined;
    },
    45_000,
    250,
  );
  return {
    child,
    url,
    kill: async () => {
      const gone = exited();
      child.kill('SIGKILL');
      await gone;
    },
    terminate: async () => {
      const gone = exited();
      child.kill('SIGTERM');
      return gone;
    },
  };
}

/** `dashboard_records_total{event=<topic pattern>,outcome="processed"}`: records applied to the view. */
export async function appliedRecords(url: string, event: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`dashboard_records_total{event="${event}",outcome="processed"} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

/** Records on `topic` (all partitions), as offsets count them. */
export async function recordsOn(context: KafkaTestContext, topic: string): Promise<number> {
  const admin = await context.connectedAdmin();
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
}
