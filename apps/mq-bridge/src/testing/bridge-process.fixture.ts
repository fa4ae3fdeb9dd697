/**
 * Fault-test fixture: the mq-bridge as a real child process on the `ibmmq`
 * test double (`bridge-on-fake-mq.process.ts`), started through
 * @swc-node/register as the Nx `serve` target starts `main.ts`, with its
 * output kept for failure messages and its queues reachable over IPC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '@eda/testing';
import {
  FAKE_MQ,
  type BrowsedMessage,
  type QueueCall,
  type QueueReply,
  type QueueRequest,
} from './fake-mq-protocol';

const appRoot = join(__dirname, '../..');
const workspaceRoot = join(appRoot, '../..');

/** A running bridge process. */
export interface BridgeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** The last 50,000 characters of its stdout and stderr. */
  output(): string;
  /** Puts `bodies` to `queue` (default the input queue) and commits. */
  put(bodies: readonly string[], queue?: string): Promise<void>;
  /** The committed messages of `queue`. */
  browse(queue: string): Promise<BrowsedMessage[]>;
  /** The value of a metric sample on `/metrics` (`undefined` when absent). */
  metric(name: string, labels?: string): Promise<number | undefined>;
  /** SIGKILL, then resolves once it exited. */
  kill(): Promise<void>;
}

/** Starts the bridge on `port` with the double's MQ variables, `env` on top. */
export function startBridgeProcess(port: number, env: Record<string, string>): BridgeProcess {
  const inherited = { ...process.env };
  // The defaults are what this fixture exists to test: nothing from the caller's shell may change them.
  for (const name of Object.keys(inherited)) if (name.startsWith('MQ_')) delete inherited[name];
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(appRoot, 'src/testing/bridge-on-fake-mq.process.ts')],
    {
      cwd: workspaceRoot,
      env: {
        ...inherited,
        SWC_NODE_PROJECT: join(appRoot, 'tsconfig.json'),
        ...FAKE_MQ.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-50_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let nextId = 1;
  const waiting = new Map<number, (reply: QueueReply) => void>();
  child.on('message', (reply: QueueReply) => waiting.get(reply.id)?.(reply));
  const request = (body: QueueCall): Promise<QueueReply['result']> => {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, (reply) => {
        waiting.delete(id);
        if (reply.error) reject(new Error(`bridge process: ${body.op} failed: ${reply.error}`));
        else resolve(reply.result);
      });
      child.send({ ...body, id } satisfies QueueRequest);
    });
  };

  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    output: () => output,
    put: async (bodies, queue = FAKE_MQ.env.MQ_QUEUE) => void (await request({ op: 'put', queue, bodies })),
    browse: async (queue) => (await request({ op: 'browse', queue })) as BrowsedMessage[],
    metric: async (name, labels) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const sample = labels ? `${name}{${labels}}` : name;
      const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
      return line === undefined ? undefined : Number(line.slice(sample.length + 1));
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Waits until `/health/ready` answers 200; fails with the process's output. */
export async function waitUntilReady(bridge: BridgeProcess, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `mq-bridge at ${bridge.url} ready`,
    async () => {
      if (bridge.child.exitCode !== null) throw new Error(`exited with ${bridge.child.exitCode}`);
      const response = await fetch(`${bridge.url}/health/ready`).catch(() => undefined);
      return response?.status === 200 ? true : undefined;
    },
    timeoutMs,
    250,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- output ---\n${bridge.output()}`);
  });
}
