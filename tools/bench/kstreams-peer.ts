/**
 * The two contenders of the Kafka Streams comparison as child processes:
 * ours (the real `inventory-aggregator`, `apps/inventory-aggregator/src/main.ts`)
 * and the Java peer (tools/bench/kstreams, the same topology on Apache Kafka
 * Streams). Both are configured by the same environment variables, start with
 * a fresh application.id, and report RUNNING: ours through `/health/ready`,
 * the peer with a "RUNNING" line on stdout.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const WORKSPACE = join(__dirname, '..', '..');
/**
 * Where ours runs from: this checkout, or BENCH_KS_APP_ROOT, e.g. a `git worktree` of a
 * commit, so that edits in progress in a shared working tree do not change the subject mid-run.
 */
export const APP_ROOT = process.env['BENCH_KS_APP_ROOT'] ?? WORKSPACE;

/** The commit ours runs at, with "+changes" when apps/ or libs/ differ from it there. */
export function appRevision(): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', APP_ROOT, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'apps', 'libs') ? '+changes' : ''}`;
  } catch {
    return 'unknown';
  }
}
const BUILD_SH = join(__dirname, 'kstreams', 'build.sh');

/** A running contender: resolves `running` at RUNNING, `stop()` sends SIGTERM and waits. */
export interface Contender {
  readonly running: Promise<void>;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Builds the Java peer if needed (cached in tools/bench/kstreams/target) and returns its classpath. */
export function kstreamsClasspath(): string {
  return execFileSync('bash', [BUILD_SH], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** Kafka Streams' own description of the peer's topology. */
export function describeKStreams(env: NodeJS.ProcessEnv): string {
  return execFileSync('java', ['-cp', kstreamsClasspath(), 'eda.bench.kstreams.Main', '--describe'], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

/**
 * Our engine's description of the app's topology (`Topology.describe()`),
 * built by the app's own `buildInventoryTopology` in a child process (a tool
 * does not import an app).
 */
export function describeOurs(env: NodeJS.ProcessEnv): string {
  const script = `
    const { buildInventoryTopology } = require('./apps/inventory-aggregator/src/topology/inventory-topology');
    const s = { serialize: () => Buffer.alloc(0), deserialize: () => undefined };
    const topics = { items: process.env.ITEMS_TOPIC || 'items', itemInventory: 'item.inventory',
      storeInventory: 'store.inventory', storeSales: 'store.sales.1m' };
    const t = buildInventoryTopology({ topics, salesWindowMs: 60000, salesGraceMs: 10000,
      salesRetentionMs: 604800000, dedupeWindowMs: 86400000 },
      { itemTransaction: s, itemInventory: s, storeInventory: s, storeSalesWindow: s });
    process.stdout.write(t.describe());`;
  return execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
    cwd: APP_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env, SWC_NODE_PROJECT: 'apps/inventory-aggregator/tsconfig.json' },
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

function stopper(child: ChildProcess, after?: () => void): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited(child);
    after?.();
  };
}

/** Starts the real aggregator app (as the existing aggregator bench does); `cpuProfDir` adds --cpu-prof. */
export async function startOurs(
  env: NodeJS.ProcessEnv,
  cpuProf?: { dir: string; name: string },
): Promise<Contender> {
  const port = await freePort();
  const nodeArgs = ['-r', '@swc-node/register'];
  if (cpuProf)
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${cpuProf.dir}`, `--cpu-prof-name=${cpuProf.name}`);
  const child = spawn(process.execPath, [...nodeArgs, 'apps/inventory-aggregator/src/main.ts'], {
    cwd: APP_ROOT,
    env: {
      ...process.env,
      ...env,
      SWC_NODE_PROJECT: 'apps/inventory-aggregator/tsconfig.json',
      PORT: String(port),
      HOST: '127.0.0.1',
      APPLICATION_SERVER: `127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const running = (async () => {
    const deadline = Date.now() + 600_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the aggregator exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('the aggregator was not ready within 10 minutes');
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { running, process: child, stop: stopper(child) };
}

/**
 * Starts the Java peer. With `warmupTopic` it first runs the topology on that
 * topic in the same JVM (JIT warm), then starts the measured instance.
 */
export function startKStreams(env: NodeJS.ProcessEnv, storeType: 'in_memory' | 'rocksdb'): Contender {
  const stateDir = mkdtempSync(join(tmpdir(), 'kstreams-bench-'));
  const child = spawn(
    'java',
    [
      '-Xms1g',
      '-Xmx1g',
      // slf4j-simple: warnings and errors, but not one line per late record (ours counts them and logs once a
      // window) nor the metadata retries while a repartition topic is being created.
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.kstream.internals=error',
      '-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient=error',
      '-cp',
      kstreamsClasspath(),
      'eda.bench.kstreams.Main',
    ],
    {
      cwd: WORKSPACE,
      env: {
        ...process.env,
        ...env,
        STORE_TYPE: storeType,
        STATE_DIR: stateDir,
        SCHEMAS_DIR: join(WORKSPACE, 'libs', 'events', 'schemas'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const running = new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('WARMUP')) process.stdout.write(`    kstreams ${line.toLowerCase()}\n`);
        if (line === 'RUNNING') resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the Kafka Streams peer exited with ${code}`)));
  });
  running.catch(() => undefined);
  return {
    running,
    process: child,
    stop: stopper(child, () => rmSync(stateDir, { recursive: true, force: true })),
  };
}
