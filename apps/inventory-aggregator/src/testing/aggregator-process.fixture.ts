/**
 * Integration-test fixture: aggregator instances and the simulator CLI as
 * child processes, started the way the Nx targets start them, and small HTTP
 * helpers. Apps never import apps, so the simulator runs as a process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from '@eda/testing';

const workspaceRoot = join(__dirname, '../../../..');

/** A child process whose combined output is kept for failure messages. */
export type Launched = ChildProcess & { output: () => string };

/** Runs a TypeScript entry point through @swc-node/register with its app's tsconfig. */
export function launch(app: string, entry: string, args: string[], env: Record<string, string>): Launched {
  const appRoot = join(workspaceRoot, 'apps', app);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(appRoot, entry), ...args], {
    cwd: workspaceRoot,
    env: { ...process.env, SWC_NODE_PROJECT: join(appRoot, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return Object.assign(child, { output: () => output });
}

/** Resolves with the exit code (null after a signal). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A port free right now on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One aggregator instance: its process and base URL. */
export interface AggregatorInstance {
  readonly process: Launched;
  readonly port: number;
  readonly url: string;
}

/** Starts an aggregator on `port`, advertising 127.0.0.1:`port` to the other instances. */
export function startAggregator(port: number, env: Record<string, string>): AggregatorInstance {
  const process = launch('inventory-aggregator', 'src/main.ts', [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    APPLICATION_SERVER: `127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    ...env,
  });
  return { process, port, url: `http://127.0.0.1:${port}` };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read whatever shape came back
type JsonBody = any;

/** GET returning status, parsed JSON body and headers. */
export async function getJson(url: string): Promise<{ status: number; body: JsonBody; headers: Headers }> {
  const response = await fetch(url);
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : JSON.parse(text),
    headers: response.headers,
  };
}

/** Waits until `/health/ready` answers 200; fails with the instance's output, or at once if it exited. */
export async function waitUntilReady(instance: AggregatorInstance, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `aggregator on ${instance.port} ready`,
    async () => {
      if (instance.process.exitCode !== null) throw new Error(`exited with ${instance.process.exitCode}`);
      const response = await fetch(`${instance.url}/health/ready`);
      return response.status === 200 ? true : undefined;
    },
    timeoutMs,
    250,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- output ---\n${instance.process.output()}`);
  });
}
