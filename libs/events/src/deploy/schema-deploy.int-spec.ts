/**
 * Schema deploy against the stack's real Apicurio registry. Every subject
 * carries a unique prefix, so the real subjects never see a test version.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stackEndpoints, uniqueName } from '@eda/testing';
import { registryConfigFromEnv } from '../registry/registry-config';
import { createSchemaRegistryClient } from '../registry/schema-registry-client';
import { deploySchemas } from './schema-deploy';
import { loadSubjectCatalog } from './subject-catalog';

const SCHEMAS_DIR = join(__dirname, '..', '..', 'schemas');
const WORKSPACE = join(__dirname, '..', '..', '..', '..');
const { registryUrl } = stackEndpoints();

async function deleteSubject(subject: string): Promise<void> {
  const path = `${registryUrl}/subjects/${encodeURIComponent(subject)}`;
  await fetch(path, { method: 'DELETE' }).catch(() => undefined);
  await fetch(`${path}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
  await fetch(`${registryUrl}/config/${encodeURIComponent(subject)}`, { method: 'DELETE' }).catch(
    () => undefined,
  );
}

function runDeployCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(
    join(WORKSPACE, 'node_modules/.bin/tsx'),
    [join(__dirname, '..', 'cli', 'deploy.ts'), ...args],
    {
      cwd: WORKSPACE,
      env: { ...process.env, SCHEMA_REGISTRY_URL: registryUrl, ...env },
    },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );
}

/**
 * A registry still warming up, in front of the real one: answers 503 to the
 * first `unavailable` requests (all of them when Infinity), then forwards each
 * request to the stack's Apicurio. Resolves with its ccompat URL.
 */
async function warmingRegistry(
  unavailable: number,
): Promise<{ url: string; refused: () => number; server: Server }> {
  let refused = 0;
  const upstream = new URL(registryUrl);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (refused < unavailable) {
        refused++;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('starting');
        return;
      }
      const path = (req.url ?? '/').replace(/^\/ccompat/, upstream.pathname);
      fetch(`${upstream.origin}${path}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      }).then(
        async (r) =>
          res
            .writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? '' })
            .end(await r.text()),
        (err: Error) => res.writeHead(502).end(err.message),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/ccompat`, refused: () => refused, server };
}

describe('schema deploy against Apicurio', () => {
  const prefix = `${uniqueName('deploy')}.`;
  const registry = createSchemaRegistryClient(registryConfigFromEnv({ SCHEMA_REGISTRY_URL: registryUrl }));
  const plans = loadSubjectCatalog(SCHEMAS_DIR, prefix);
  let breakingDir: string | undefined;

  afterAll(async () => {
    await Promise.all(plans.map((p) => deleteSubject(p.subject)));
    if (breakingDir) rmSync(breakingDir, { recursive: true, force: true });
  });

  it('registers every subject with its compatibility level, then reports them unchanged', async () => {
    const first = await deploySchemas(registry, plans);
    expect(first.ok).toBe(true);
    expect(first.rows.map((r) => [r.subject.slice(prefix.length), r.status, r.version])).toEqual([
      ['items-value', 'registered', 1],
      ['item.inventory-value', 'registered', 1],
      ['store.inventory-value', 'registered', 1],
      ['store.sales.1m-value', 'registered', 1],
      ['inventory.alerts-value', 'registered', 1],
    ]);
    for (const row of first.rows) {
      expect(await registry.getCompatibility(row.subject)).toBe('BACKWARD_TRANSITIVE');
      expect(JSON.parse(await registry.getSchemaById(row.id!))).toMatchObject({ namespace: 'eda.inventory' });
    }

    const second = await deploySchemas(registry, plans);
    expect(second.rows.map((r) => r.status)).toEqual(Array(5).fill('unchanged'));
    expect(second.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
  });

  it('exits non-zero naming the field when a change breaks compatibility, and registers nothing', async () => {
    breakingDir = mkdtempSync(join(tmpdir(), 'eda-breaking-'));
    cpSync(SCHEMAS_DIR, breakingDir, { recursive: true });
    const schema = JSON.parse(readFileSync(join(breakingDir, 'ItemTransaction.avsc'), 'utf8'));
    schema.fields.push({
      name: 'loyaltyCard',
      type: 'string',
      doc: 'Added without a default: breaks BACKWARD.',
    });
    writeFileSync(join(breakingDir, 'ItemTransaction.avsc'), JSON.stringify(schema));

    const result = await runDeployCli(['--schemas-dir', breakingDir, '--subject-prefix', prefix]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`${prefix.replace(/\./g, '\\.')}items-value\\s.*incompatible`));
    expect(result.stdout).toContain(
      'field eda.inventory.ItemTransaction.loyaltyCard is in the new schema but not in registered v1 and has no default',
    );
    expect(await registry.latest(`${prefix}items-value`)).toMatchObject({ version: 1 });
  });

  it('prints the table and exits 0 when everything is already deployed', async () => {
    const result = await runDeployCli(['--subject-prefix', prefix]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/SUBJECT\s+RECORD\s+COMPATIBILITY\s+VERSION\s+ID\s+STATUS/);
    expect(result.stdout.match(/unchanged/g)).toHaveLength(5);
  });

  // It runs as a start-up Job beside a registry that may still be warming up (compose, Argo CD).
  it('retries a registry that answers 503 while it warms up, then deploys (SCHEMAS_DEPLOY_RETRY_MS)', async () => {
    const warming = await warmingRegistry(12); // more than the client retries by itself
    const retryPrefix = `${uniqueName('deploy-retry')}.`;
    try {
      const result = await runDeployCli(['--subject-prefix', retryPrefix], {
        SCHEMA_REGISTRY_URL: warming.url,
        SCHEMAS_DEPLOY_RETRY_MS: '60000',
      });
      expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
      expect(warming.refused()).toBe(12);
      expect(result.stderr).toMatch(/is unavailable.* Retrying in 1000 ms/);
      expect(await registry.latest(`${retryPrefix}items-value`)).toMatchObject({ version: 1 });
    } finally {
      warming.server.close();
      await Promise.all(loadSubjectCatalog(SCHEMAS_DIR, retryPrefix).map((p) => deleteSubject(p.subject)));
    }
  });

  it('gives up with exit 2, naming the registry, once SCHEMAS_DEPLOY_RETRY_MS is spent', async () => {
    const down = await warmingRegistry(Infinity);
    try {
      const started = Date.now();
      const result = await runDeployCli(['--subject-prefix', `${uniqueName('deploy-down')}.`], {
        SCHEMA_REGISTRY_URL: down.url,
        SCHEMAS_DEPLOY_RETRY_MS: '2500',
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`schemas:deploy failed: `);
      expect(result.stderr).toContain(down.url);
      expect(result.stderr).toMatch(/Retrying in 1000 ms/); // retried, not failed at the first error
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      down.server.close();
    }
  });
});
