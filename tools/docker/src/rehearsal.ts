/**
 * A container rehearsal without Docker: start a built app the way its image
 * does (the image's ENV and exec-form ENTRYPOINT, read from its Dockerfile:
 * node as the only process, NODE_ENV=production, no TypeScript tooling), wait
 * until `/health/ready` answers 200, run the image's HEALTHCHECK command, then
 * send SIGTERM and expect a clean exit, as `docker stop` would.
 *
 * With `installProductionDependencies`, the build runs from a folder outside
 * the workspace whose `node_modules` comes from `npm ci --omit=dev` on the
 * root lock file, which is what the image's runtime stage holds: a runtime
 * import of a devDependency fails here as it would in the image.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { appOutDir } from './app-build';
import type { ImageRuntime } from './image-runtime';

/** What a rehearsal observed. */
export interface RehearsalResult {
  readonly app: string;
  readonly port: number;
  /** The last `/health/ready` status seen (200 on success). */
  readonly readyStatus: number | undefined;
  readonly readyBody: string;
  readonly readyAfterMs: number;
  /** Exit code of the image's HEALTHCHECK command, run once the app was ready. */
  readonly healthcheckExit: number | null | undefined;
  /** Exit code after SIGTERM; null when the process had to be killed. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stopAfterMs: number;
  /** The process's output, for a failure report. */
  readonly output: string;
}

/** Options of {@link rehearse}. */
export interface RehearsalOptions {
  readonly app: string;
  /** The image's WORKDIR: the build, and above it the `node_modules` to use. */
  readonly runDir: string;
  /** How the image starts and probes the app (from its Dockerfile). */
  readonly image: ImageRuntime;
  /** The path polled until it answers 200. Default /health/ready. */
  readonly probePath?: string;
  /** Extra environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, ...); PORT is chosen here. */
  readonly env?: NodeJS.ProcessEnv;
  /** How long to wait for 200 from /health/ready. */
  readonly readyTimeoutMs?: number;
  /** How long SIGTERM may take before SIGKILL. */
  readonly stopTimeoutMs?: number;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function probe(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** An image argv with `node` replaced by this Node binary (the same major as the image's). */
function localArgv(argv: readonly string[]): [string, string[]] {
  const [command, ...args] = argv;
  if (command !== 'node')
    throw new Error(`the image starts ${command}, not node; a rehearsal runs node only`);
  return [process.execPath, args];
}

/** Starts the built app, waits for readiness, stops it with SIGTERM. */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  const { app, runDir, image } = options;
  const [command, args] = localArgv(image.argv);
  const entry = args.find((a) => a.endsWith('.js'));
  if (!entry || !existsSync(join(runDir, entry))) {
    throw new Error(`${join(runDir, entry ?? '(no .js in ENTRYPOINT)')} does not exist; build the app first`);
  }
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    ...image.env,
    // Loopback here: the rehearsal must not open a port to the network.
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...options.env,
    PORT: String(port),
  };
  const started = Date.now();
  // The image's ENTRYPOINT: node is the process that receives the signals.
  const child = spawn(command, args, { cwd: runDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

  const deadline = started + (options.readyTimeoutMs ?? 60_000);
  let last: { status: number; body: string } | undefined;
  while (Date.now() < deadline && child.exitCode === null) {
    last = await probe(`http://127.0.0.1:${port}${options.probePath ?? '/health/ready'}`);
    if (last?.status === 200) break;
    await sleep(250);
  }
  const readyAfterMs = Date.now() - started;

  let healthcheckExit: number | null | undefined;
  if (image.healthcheck && last?.status === 200) {
    const [hcCommand, hcArgs] = localArgv(image.healthcheck);
    healthcheckExit = spawnSync(hcCommand, hcArgs, { cwd: runDir, env, timeout: 10_000 }).status;
  }

  const stopping = Date.now();
  if (child.exitCode === null) child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 30_000);
  await exited(child);
  clearTimeout(killer);
  return {
    app,
    port,
    readyStatus: last?.status,
    readyBody: last?.body ?? '',
    readyAfterMs,
    healthcheckExit,
    exitCode: child.exitCode,
    signal: child.signalCode,
    stopAfterMs: Date.now() - stopping,
    output,
  };
}

/**
 * A folder outside the workspace with `node_modules` from `npm ci --omit=dev`
 * on the root package.json and lock file, reused while the lock file is
 * unchanged. Outside, so Node's lookup cannot climb into the workspace's
 * full `node_modules`.
 */
export function productionDependencies(root: string, log: (line: string) => void = () => undefined): string {
  const lock = readFileSync(join(root, 'package-lock.json'));
  const manifest = readFileSync(join(root, 'package.json'));
  const hash = createHash('sha256').update(lock).update(manifest).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'eda-rehearsal', `deps-${hash}`);
  if (existsSync(join(dir, 'node_modules', '.package-lock.json'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), manifest);
  writeFileSync(join(dir, 'package-lock.json'), lock);
  log(`npm ci --omit=dev in ${dir}`);
  // As in the image: no install scripts (ibmmq's would download the MQ client).
  const npm = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    env: { ...process.env, MQIJS_NOREDIST: 'true', NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  if (npm.status !== 0) throw new Error(`npm ci --omit=dev failed:\n${npm.stdout}${npm.stderr}`);
  return dir;
}

/** Lays out `<tmp>/eda-rehearsal/<app>` as the image does: the build, and production node_modules. */
export function productionRunDir(root: string, app: string, depsDir: string): string {
  const dir = join(tmpdir(), 'eda-rehearsal', app);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, appOutDir(app)), dir, { recursive: true });
  symlinkSync(join(depsDir, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * Deletes what an aggregator run under `applicationId` left on the broker: its
 * internal (changelog, repartition) topics and its consumer group.
 */
export async function deleteApplicationState(
  brokers: readonly string[],
  applicationId: string,
): Promise<void> {
  const admin = new Kafka({ brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${applicationId}-`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.deleteGroups([applicationId]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
