/**
 * The four apps as child processes, started the way their Nx `serve` targets
 * start them (`main.ts` through @swc-node/register), except the bridge, whose
 * MQ side is the `ibmmq` test double: its test entry point
 * (apps/mq-bridge/src/testing/bridge-on-fake-mq.process.ts) holds the double's
 * queue manager and takes puts over the IPC channel. Apps are started by
 * path, never imported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from '@eda/testing';

const workspaceRoot = join(__dirname, '../../..');

/** A port free right now on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A running app. */
export interface AppProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Its last 30,000 characters of output. */
  output(): string;
  /** SIGTERM, then resolves once it exited (SIGKILL after 20 s). */
  stop(): Promise<void>;
}

/** Starts `apps/<app>/<entry>` on a free port with `env` (or `env(port)`); resolves once `/health/ready` answers 200. */
export async function startApp(
  app: string,
  entry: string,
  env: Record<string, string> | ((port: number) => Record<string, string>),
  { ipc = false, readyTimeoutMs = 120_000 } = {},
): Promise<AppProcess> {
  const port = await freePort();
  const appRoot = join(workspaceRoot, 'apps', app);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(appRoot, entry)], {
    cwd: workspaceRoot,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(appRoot, 'tsconfig.json'),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...(typeof env === 'function' ? env(port) : env),
    },
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-30_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: AppProcess = {
    name: app,
    url,
    child,
    output: () => output,
    stop: async () => {
      const gone = exited();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await gone;
      clearTimeout(timer);
    },
  };
  await waitFor(
    `${app} ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}`);
      const status = await fetch(`${url}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      return status === 200 || undefined;
    },
    readyTimeoutMs,
    250,
  ).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n--- ${app} output ---\n${output}`);
  });
  return proc;
}

/** One message to put on the double's queue: body and MQ message properties. */
export interface MqPut {
  readonly body: string;
  readonly properties: Record<string, string>;
}

let nextId = 1;

/**
 * Puts `messages` to `queue` of the bridge process's queue manager and commits
 * (the IPC protocol of apps/mq-bridge/src/testing/fake-mq-protocol.ts).
 */
export function putOnBridgeQueue(
  bridge: AppProcess,
  queue: string,
  messages: readonly MqPut[],
): Promise<void> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onReply = (reply: { id: number; error?: string }) => {
      if (reply.id !== id) return;
      bridge.child.off('message', onReply);
      if (reply.error) reject(new Error(`put on ${queue} failed: ${reply.error}`));
      else resolve();
    };
    bridge.child.on('message', onReply);
    bridge.child.send({ op: 'put', queue, bodies: messages, id });
  });
}
