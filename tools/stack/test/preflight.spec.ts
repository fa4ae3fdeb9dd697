/**
 * The stack's start-up refusals: each names the problem and the fix, and none
 * leaves a process behind. These run no JVM.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStack } from './stack-script';

function fakeBin(dir: string, name: string, script: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/usr/bin/env bash\n${script}\n`);
  chmodSync(join(dir, name), 0o755);
}

/** Links the basic tools the script needs, and nothing else, into `dir`. */
function minimalPath(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const tool of ['bash', 'dirname', 'cat', 'tr', 'grep', 'awk', 'mkdir', 'rm', 'mv', 'mktemp', 'env']) {
    const target = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((f) => existsSync(f));
    if (target && !existsSync(join(dir, tool))) symlinkSync(target, join(dir, tool));
  }
  return dir;
}

describe('stack.sh preflight', () => {
  const root = mkdtempSync(join(tmpdir(), 'stack-preflight-'));

  it('refuses a Java older than 17 and says which version it found', () => {
    const bin = join(root, 'old-java');
    fakeBin(bin, 'java', 'echo "    java.specification.version = 11" >&2');
    const run = runStack(['up'], { PATH: `${bin}:/usr/bin:/bin`, EDA_STACK_DIR: join(root, 's1') });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Java 11 found; Kafka');
    expect(run.stderr).toContain('need Java 17 or newer');
  });

  it('asks for Maven when it must resolve Kafka and mvn is missing', () => {
    const bin = minimalPath(join(root, 'no-mvn'));
    fakeBin(bin, 'java', 'echo "    java.specification.version = 17" >&2');
    fakeBin(bin, 'curl', 'exit 7');
    const run = runStack(['up'], {
      PATH: bin,
      EDA_STACK_DIR: join(root, 's2'),
      EDA_STACK_CACHE: join(root, 'empty-cache'),
      EDA_KAFKA_PORT: '19392',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('mvn not found');
  });

  describe('with the Kafka port taken by someone else', () => {
    let server: Server;
    let port: number;

    beforeAll(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('refuses to start and names the port and the variable to change', () => {
      const run = runStack(['up'], { EDA_STACK_DIR: join(root, 's3'), EDA_KAFKA_PORT: String(port) });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`port ${port} is in use by a process this stack did not start`);
      expect(run.stderr).toContain('EDA_KAFKA_PORT');
    });
  });

  it('reports every service down, with exit 1, when nothing runs', () => {
    const run = runStack(['status'], { EDA_STACK_DIR: join(root, 's4') });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^kafka\s+down/m);
    expect(run.stdout).toMatch(/^registry\s+down/m);
  });
});
