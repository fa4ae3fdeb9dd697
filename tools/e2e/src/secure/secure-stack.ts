/**
 * The secure native stack (`EDA_STACK_SECURE=1 tools/stack/stack.sh`) as the
 * secure end-to-end test drives it: a fresh stack dir, the stack's admin
 * (the only super user), each principal's credentials, the KafkaUser ACLs
 * re-applied from edited files, and the broker's authorizer log read back as
 * typed denials (principal, operation, resource).
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import {
  applyKafkaUserAcls,
  KAFKA_USERS_DIR,
  loadKafkaUsers,
  parseKafkaUsers,
  type StackUser,
} from '@eda/kafka/acls';

/** The repository root. */
export const ROOT = resolve(__dirname, '..', '..', '..', '..');

/** Ports and dir of the secure stack (EDA_SECURE_E2E_PORT_PREFIX, default 27: 27092, 27093, 27081, 27000). */
export function secureStackSettings(env: NodeJS.ProcessEnv = process.env) {
  const prefix = env['EDA_SECURE_E2E_PORT_PREFIX'] || '27';
  if (!/^[1-5]\d$/.test(prefix))
    throw new Error(`EDA_SECURE_E2E_PORT_PREFIX must be two digits, got "${prefix}"`);
  return {
    dir: env['EDA_SECURE_E2E_STACK_DIR'] || join(ROOT, '.stack-secure'),
    kafkaPort: Number(`${prefix}092`),
    controllerPort: Number(`${prefix}093`),
    registryPort: Number(`${prefix}081`),
    managementPort: Number(`${prefix}000`),
  };
}

/** A denial the broker's authorizer logged. */
export interface AclDenial {
  readonly principal: string;
  readonly operation: string;
  readonly resource: string;
  readonly request: string;
}

// "Principal = User:x is Denied operation = WRITE from host = 127.0.0.1 on resource = Topic:LITERAL:t for request = Produce ..."
const DENIAL =
  /Principal = (\S+) is Denied operation = (\S+) from host = \S+ on resource = (\S+) for request = (\S+)/g;

/** One line per denial: `User:x was denied WRITE on Topic:LITERAL:t (Produce)`. */
export function describeDenials(denials: readonly AclDenial[]): string {
  return denials
    .map((d) => `${d.principal} was denied ${d.operation} on ${d.resource} (${d.request})`)
    .join('\n');
}

/** An ACL the pipeline needed and the broker did not grant. */
export class AclDeniedError extends Error {
  readonly retriable = false;
  constructor(
    readonly denials: readonly AclDenial[],
    context: string,
  ) {
    super(`${context}: the broker denied what the KafkaUser ACLs do not grant:\n${describeDenials(denials)}`);
    this.name = 'AclDeniedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The secure stack of one test run. */
export class SecureStack {
  readonly settings = secureStackSettings();
  readonly brokers = `127.0.0.1:${this.settings.kafkaPort}`;
  readonly registryUrl = `http://127.0.0.1:${this.settings.registryPort}/apis/ccompat/v7`;
  private credentials: Record<string, string> = {};

  private stackEnv(): NodeJS.ProcessEnv {
    const s = this.settings;
    return {
      ...process.env,
      EDA_STACK_SECURE: '1',
      EDA_STACK_DIR: s.dir,
      EDA_KAFKA_PORT: String(s.kafkaPort),
      EDA_KAFKA_CONTROLLER_PORT: String(s.controllerPort),
      EDA_REGISTRY_PORT: String(s.registryPort),
      EDA_REGISTRY_MANAGEMENT_PORT: String(s.managementPort),
    };
  }

  private run(what: string, command: string, args: string[], env: NodeJS.ProcessEnv): string {
    const r = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0)
      throw new Error(`${what} failed (exit ${String(r.status)}):\n${r.stdout}\n${r.stderr}`.slice(-4000));
    return r.stdout;
  }

  /** A fresh secure stack (its dir wiped first), the schemas registered as `npm run schemas:deploy` does. */
  up(): void {
    this.run('stack.sh down', 'bash', ['tools/stack/stack.sh', 'down'], this.stackEnv());
    rmSync(this.settings.dir, { recursive: true, force: true });
    this.run('EDA_STACK_SECURE=1 stack.sh up', 'bash', ['tools/stack/stack.sh', 'up'], this.stackEnv());
    this.credentials = JSON.parse(
      readFileSync(join(this.settings.dir, 'secure', 'credentials.json'), 'utf8'),
    ) as Record<string, string>;
    this.run('schemas:deploy', join(ROOT, 'node_modules/.bin/tsx'), ['libs/events/src/cli/deploy.ts'], {
      ...process.env,
      SCHEMA_REGISTRY_URL: this.registryUrl,
    });
  }

  down(): void {
    this.run('stack.sh down', 'bash', ['tools/stack/stack.sh', 'down'], this.stackEnv());
  }

  /** The env an app needs to run as `principal` on this stack. */
  envFor(principal: string): NodeJS.ProcessEnv {
    const password = this.credentials[principal];
    if (!password) throw new Error(`the secure stack has no credentials for ${principal}`);
    return {
      KAFKA_BROKERS: this.brokers,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: principal,
      KAFKA_SASL_PASSWORD: password,
      SCHEMA_REGISTRY_URL: this.registryUrl,
    };
  }

  /** A kafkajs client as the stack's admin (the test's own reads and the poison record). */
  adminKafka(clientId: string): Kafka {
    return new Kafka({
      clientId,
      brokers: [this.brokers],
      sasl: { mechanism: 'scram-sha-512', username: 'admin', password: this.credentials['admin'] as string },
      logLevel: logLevel.NOTHING,
    });
  }

  /** The committed KafkaUser files. */
  kafkaUsers(): StackUser[] {
    return loadKafkaUsers(join(ROOT, KAFKA_USERS_DIR));
  }

  /** `user`'s KafkaUser file without one line: the `operation` item under the ACL on `resource`. */
  private fileWithout(user: string, resource: string, operation: string): { file: string; text: string } {
    const file = join(ROOT, KAFKA_USERS_DIR, `${user}.yaml`);
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.trim() === `name: ${resource}`);
    const op = lines.findIndex((l, i) => i > at && l.trim() === `- ${operation}`);
    const next = lines.findIndex((l, i) => i > at && l.trim() === '- resource:');
    if (at < 0 || op < 0 || (next >= 0 && op > next))
      throw new Error(`${file} has no "${operation}" line under ${resource}`);
    lines.splice(op, 1);
    return { file: `${file} (line ${op + 1} removed)`, text: lines.join('\n') };
  }

  /** The KafkaUsers with one line of one file removed (see {@link fileWithout}). */
  kafkaUsersWithout(user: string, resource: string, operation: string): StackUser[] {
    const { file, text } = this.fileWithout(user, resource, operation);
    return [...this.kafkaUsers().filter((u) => u.name !== user), ...parseKafkaUsers(text, file)];
  }

  /**
   * Stops the registry and runs `stack.sh up` again with the KafkaUser files
   * minus one line (EDA_STACK_KAFKA_USERS), so the registry starts under those
   * ACLs. Returns the error `up` failed with, or undefined when it came up.
   */
  restartRegistryWithout(user: string, resource: string, operation: string): string | undefined {
    const dir = mkdtempSync(join(tmpdir(), 'eda-kafkausers-'));
    try {
      cpSync(join(ROOT, KAFKA_USERS_DIR), dir, { recursive: true });
      writeFileSync(join(dir, `${user}.yaml`), this.fileWithout(user, resource, operation).text);
      const pid = Number(readFileSync(join(this.settings.dir, 'registry.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM');
      // Gone before `up` checks its ports (it refuses a port held by a process it did not start).
      for (let i = 0; i < 120 && alive(pid); i++) spawnSync('sleep', ['0.5']);
      const r = spawnSync('bash', ['tools/stack/stack.sh', 'up'], {
        cwd: ROOT,
        env: { ...this.stackEnv(), EDA_STACK_KAFKA_USERS: dir, EDA_STACK_TIMEOUT: '90' },
        encoding: 'utf8',
        timeout: 180_000,
      });
      return r.status === 0 ? undefined : `${r.stderr}`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Makes the broker's ACLs exactly those of `users`. */
  async applyAcls(users: readonly StackUser[]): Promise<void> {
    const admin: Admin = this.adminKafka('eda-secure-e2e-acls').admin();
    await admin.connect();
    try {
      await applyKafkaUserAcls(admin, users);
    } finally {
      await admin.disconnect();
    }
  }

  /** Where the broker log ends now: pass it to {@link deniedSince}. */
  logMark(): number {
    return statSync(join(this.settings.dir, 'logs', 'kafka.log')).size;
  }

  /** The authorizer's denials logged after `mark`. */
  deniedSince(mark: number): AclDenial[] {
    const file = join(this.settings.dir, 'logs', 'kafka.log');
    const size = statSync(file).size;
    if (size <= mark) return [];
    const buffer = Buffer.alloc(size - mark);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, mark);
    } finally {
      closeSync(fd);
    }
    const seen = new Set<string>();
    const denials: AclDenial[] = [];
    for (const m of buffer.toString('utf8').matchAll(DENIAL)) {
      const d = { principal: m[1] ?? '', operation: m[2] ?? '', resource: m[3] ?? '', request: m[4] ?? '' };
      const key = describeDenials([d]);
      if (seen.has(key)) continue;
      seen.add(key);
      denials.push(d);
    }
    return denials;
  }
}
