/**
 * The MQ client download of the mq-bridge image (mq-client/fetch-mq-redist.mjs)
 * against a local HTTP server: it keeps the archive only when its SHA-256 is
 * the pinned one, and without a pin it stops and names the digest it got.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './workspace';

const SCRIPT = join(WORKSPACE_ROOT, 'tools/docker/mq-client/fetch-mq-redist.mjs');
const ARCHIVE = Buffer.from('not really a tarball');
const SHA256 = createHash('sha256').update(ARCHIVE).digest('hex');

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

describe('fetch-mq-redist.mjs', () => {
  let server: Server;
  let base: string;
  const requested: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      if (req.url?.endsWith('/9.9.9.9-IBM-MQC-Redist-LinuxX64.tar.gz')) res.end(ARCHIVE);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/redist`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('saves the archive, named as IBM names it, when the checksum matches', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mq-')), 'redist.tar.gz');
    const result = await run(['9.9.9.9', SHA256, out, base]);
    expect(result).toEqual({ code: 0, out: expect.stringContaining(`sha256 ${SHA256} verified`) });
    expect(readFileSync(out)).toEqual(ARCHIVE);
    expect(requested).toContain('/redist/9.9.9.9-IBM-MQC-Redist-LinuxX64.tar.gz');
  });

  it('fails and keeps nothing when the checksum differs', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mq-')), 'redist.tar.gz');
    const result = await run(['9.9.9.9', '0'.repeat(64), out, base]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`checksum mismatch`);
    expect(existsSync(out)).toBe(false);
  });

  it('without a pinned checksum, fails and names the digest to check and pin', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mq-')), 'redist.tar.gz');
    const result = await run(['9.9.9.9', '', out, base]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`downloaded with sha256 ${SHA256}`);
    expect(existsSync(out)).toBe(false);
  });

  it('fails on a download error and on a malformed version', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mq-')), 'redist.tar.gz');
    expect((await run(['1.2.3.4', SHA256, out, base])).out).toContain('HTTP 404');
    expect((await run(['10.0', SHA256, out, base])).out).toContain('version must be V.R.M.F');
  });
});
