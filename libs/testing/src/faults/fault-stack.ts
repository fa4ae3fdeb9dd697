/**
 * A dedicated native stack (Kafka + Apicurio) for fault tests: the shared
 * stack serves every integration test at once, so nothing may kill it. A
 * fault stack lives under `.stack-faults/<name>-<port base>` on its own ports, and its
 * broker and registry can be killed (SIGKILL), stopped (SIGTERM) and
 * restarted by the real scripts, as an operator or a node failure would.
 *
 * Ports derive from `EDA_FAULT_PORT_BASE` (default 19000): Kafka base+92,
 * its controller base+93, the registry base+81, the registry's management
 * port base+100. Two fault suites on one machine need two bases.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StackEndpoints } from '../stack-endpoints';
import { waitFor } from '../wait-for';

const run = promisify(execFile);
const workspaceRoot = join(__dirname, '../../../..');
const STACK_SCRIPT = join(workspaceRoot, 'tools/stack/stack.sh');

/** A stack service the fault stack can break. */
export type FaultService = 'kafka' | 'registry';

/** Where a fault stack lives and listens. */
export interface FaultStackLayout {
  readonly name: string;
  readonly dir: string;
  readonly kafkaPort: number;
  readonly controllerPort: number;
  readonly registryPort: number;
  readonly managementPort: number;
}

/** The layout for `name`, from `EDA_FAULT_PORT_BASE` (default 19000). */
export function faultStackLayout(name = 'faults', env: NodeJS.ProcessEnv = process.env): FaultStackLayout {
  const base = Number(env['EDA_FAULT_PORT_BASE'] ?? 19_000);
  if (!Number.isInteger(base) || base < 1024 || base > 65_000) {
    throw new Error(
      `EDA_FAULT_PORT_BASE must be an integer in [1024, 65000], got '${env['EDA_FAULT_PORT_BASE']}'.`,
    );
  }
  return {
    name,
    // The base in the name: two suites with two bases must not share a data dir (or a pid file).
    dir: join(workspaceRoot, '.stack-faults', `${name}-${base}`),
    kafkaPort: base + 92,
    controllerPort: base + 93,
    registryPort: base + 81,
    managementPort: base + 100,
  };
}

/** The environment `tools/stack/stack.sh` and the apps need to use this layout. */
export function faultStackEnv(layout: FaultStackLayout): Record<string, string> {
  return {
    EDA_STACK_DIR: layout.dir,
    EDA_KAFKA_PORT: String(layout.kafkaPort),
    EDA_KAFKA_CONTROLLER_PORT: String(layout.controllerPort),
    EDA_REGISTRY_PORT: String(layout.registryPort),
    EDA_REGISTRY_MANAGEMENT_PORT: String(layout.managementPort),
    KAFKA_BROKERS: `127.0.0.1:${layout.kafkaPort}`,
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${layout.registryPort}/apis/ccompat/v7`,
  };
}

/** A running fault stack, driven through `tools/stack/stack.sh`. */
export class FaultStack {
  readonly env: Record<string, string>;

  constructor(readonly layout: FaultStackLayout = faultStackLayout()) {
    this.env = faultStackEnv(layout);
  }

  get endpoints(): StackEndpoints {
    return {
      brokers: [this.env['KAFKA_BROKERS'] as string],
      registryUrl: this.env['SCHEMA_REGISTRY_URL'] as string,
    };
  }

  /** Starts whatever is not running (a restart after a kill), waits until ready, creates the topics. */
  async up(): Promise<void> {
    await this.stack('up');
  }

  /** Stops both services (registry first). */
  async down(): Promise<void> {
    await this.stack('down');
  }

  /** The pid of a running service, or undefined. */
  pid(service: FaultService): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.layout.dir, `${service}.pid`), 'utf8').trim());
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes(`-Deda.stack=${service}`) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** SIGKILL: the process dies at once, with whatever it had in flight. Resolves once it is gone. */
  async kill(service: FaultService): Promise<void> {
    await this.signal(service, 'SIGKILL', 10_000);
  }

  /** SIGTERM: a graceful shutdown (controlled shutdown for Kafka). Resolves once the process exited. */
  async stop(service: FaultService): Promise<void> {
    await this.signal(service, 'SIGTERM', 60_000);
  }

  /** Restarts a killed or stopped service (idempotent for a running one) and waits until ready. */
  async start(_service: FaultService): Promise<void> {
    await this.up();
  }

  private async signal(service: FaultService, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    const pid = this.pid(service);
    if (pid === undefined) throw new Error(`fault stack '${this.layout.name}': ${service} is not running`);
    process.kill(pid, signal);
    await waitFor(
      `${service} (pid ${pid}) to exit after ${signal}`,
      () => (alive(pid) ? undefined : true),
      timeoutMs,
      100,
    );
  }

  private async stack(command: string): Promise<void> {
    try {
      await run('bash', [STACK_SCRIPT, command], {
        cwd: workspaceRoot,
        env: { ...process.env, ...this.env },
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (err) {
      const { stderr } = err as { stderr?: string };
      throw new Error(
        `fault stack '${this.layout.name}': stack.sh ${command} failed:\n${stderr ?? String(err)}`,
      );
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0 until reaped: it has exited all the same.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]?.startsWith('Z');
  } catch {
    return false;
  }
}
