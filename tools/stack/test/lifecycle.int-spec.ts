/**
 * The stack's lifecycle on ports of its own (so it never touches the stack
 * the other integration tests use): idempotent up, status, recovery after the
 * broker is killed, and a down that leaves no process behind.
 *
 * The ports are whatever the kernel reports free when the spec starts, not
 * fixed ones: on a shared CI machine a fixed port (29092 here, once) can be
 * held by someone else's broker, and the stack then rightly refuses to start.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStack } from './stack-script';

const dir = mkdtempSync(join(tmpdir(), 'stack-lifecycle-'));
let env: Record<string, string> = {};
let kafkaPort = '';

/** `count` distinct ports free right now, held together while chosen so none repeats. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject).listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function pid(name: string): number {
  return Number(readFileSync(join(dir, `${name}.pid`), 'utf8').trim());
}

function alive(p: number): boolean {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stack.sh lifecycle', () => {
  jest.setTimeout(300_000);
  const started: number[] = [];

  beforeAll(async () => {
    const [kafka, controller, registry, management] = (await freePorts(4)).map(String) as [
      string,
      string,
      string,
      string,
    ];
    kafkaPort = kafka;
    env = {
      EDA_STACK_DIR: dir,
      EDA_KAFKA_PORT: kafka,
      EDA_KAFKA_CONTROLLER_PORT: controller,
      EDA_REGISTRY_PORT: registry,
      EDA_REGISTRY_MANAGEMENT_PORT: management,
    };
  });

  afterAll(() => {
    runStack(['down'], env);
    for (const p of started) if (alive(p)) process.kill(p, 'SIGKILL');
  });

  it('starts, and a second up changes nothing', () => {
    const first = runStack(['up'], env);
    expect(first.stderr).toContain('kafka ready');
    expect(first.status).toBe(0);
    const kafka = pid('kafka');
    const registry = pid('registry');
    started.push(kafka, registry);

    const second = runStack(['up'], env);
    expect(second.status).toBe(0);
    expect(second.stderr).toContain(`kafka already running (pid ${kafka})`);
    expect(second.stderr).toContain(`registry already running (pid ${registry})`);

    const status = runStack(['status'], env);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(`^kafka\\s+up\\s+pid ${kafka}\\s+127\\.0\\.0\\.1:${kafkaPort}`, 'm'),
    );
    expect(status.stdout).toMatch(new RegExp(`^registry\\s+up\\s+pid ${registry}`, 'm'));
  });

  it('reports a killed broker down, and up brings it back', async () => {
    const killed = pid('kafka');
    process.kill(killed, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));

    const status = runStack(['status'], env);
    expect(status.status).toBe(1);
    expect(status.stdout).toMatch(/^kafka\s+down/m);

    const up = runStack(['up'], env);
    expect(up.status).toBe(0);
    const restarted = pid('kafka');
    started.push(restarted);
    expect(restarted).not.toBe(killed);
    expect(runStack(['status'], env).status).toBe(0);
  });

  it('stops everything it started', () => {
    const pids = [pid('kafka'), pid('registry')];
    const down = runStack(['down'], env);
    expect(down.status).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(runStack(['status'], env).stdout).toMatch(/^kafka\s+down/m);
  });
});
