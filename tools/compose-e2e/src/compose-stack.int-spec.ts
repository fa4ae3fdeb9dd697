/**
 * `docker compose up`, executed: the default profile, already brought up by
 * tools/docker/compose-e2e.sh (`up -d --build --wait`), proved through its
 * published ports only, as a user on the host would.
 *
 * The tests run in order and share the stack: health, container truths, one
 * seeded simulation end to end (query API, output topics, the dashboard in
 * Chromium), an aggregator restart, `docker stop` of each app, a second `up`
 * with the volumes kept, and `down -v`. Not part of `npm test`: the project has
 * no jest.config.cjs, so Nx infers no `test` target (see README.md).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { waitFor } from '@eda/testing';
import { ComposeProject, WORKSPACE_ROOT } from './compose-project';
import { composeEndpoints } from './stack-endpoints';
import { expectationOf, OutputTopicsReader, queryApiMismatch, type SeededRun } from './inventory-probes';
import { dashboardStock, stockOf } from './dashboard-page';

const APPS = ['store-simulator', 'inventory-aggregator', 'inventory-dashboard'] as const;
const CORE = ['kafka', 'apicurio', 'topics', 'schemas', ...APPS];
/** compose's stop_grace_period of each app (docker-compose.yml), in seconds. */
const GRACE_S: Record<(typeof APPS)[number], number> = {
  'store-simulator': 20,
  'inventory-aggregator': 40,
  'inventory-dashboard': 25,
};
// Event times from a minute ago on (about 13 minutes of scenario time): current
// enough for the topics' retention, within Kafka 4's one-hour future limit.
const RUN: SeededRun = {
  seed: 20_261_207,
  count: 800,
  stores: 3,
  skus: 6,
  startTime: new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString(),
};
const CHROMIUM = '/usr/bin/chromium';

const compose = new ComposeProject();
const endpoints = composeEndpoints();
const { expected } = expectationOf(RUN);

/** Polls `probe` (a mismatch sentence, or undefined when all agree) and fails with the last mismatch. */
async function until(
  what: string,
  probe: () => Promise<string | undefined> | string | undefined,
  timeoutMs: number,
) {
  let last: string | undefined = 'not probed yet';
  await waitFor(
    what,
    async () => {
      last = await probe();
      return last === undefined ? true : undefined;
    },
    timeoutMs,
    500,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last mismatch: ${last}`);
  });
}

/** Waits until `services` are healthy; fails naming those that are not. */
async function healthy(services: readonly string[], timeoutMs = 180_000): Promise<void> {
  let lastError: Error | undefined;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await compose.assertHealthy(services);
      return;
    } catch (err) {
      lastError = err as Error;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  throw lastError ?? new Error('health never checked');
}

/** Subject -> id of the latest version of every subject in the registry. */
async function schemaIds(): Promise<Record<string, number>> {
  const subjects = (await (await fetch(`${endpoints.registry}/subjects`)).json()) as string[];
  const ids: Record<string, number> = {};
  for (const subject of subjects.sort()) {
    const latest = (await (
      await fetch(`${endpoints.registry}/subjects/${subject}/versions/latest`)
    ).json()) as {
      id: number;
    };
    ids[subject] = latest.id;
  }
  return ids;
}

describe('docker compose up (default profile), through the published ports', () => {
  jest.setTimeout(600_000);
  let volumesBefore: string[] = [];
  let mountedAtStart: string[] = [];
  beforeAll(async () => {
    volumesBefore = await compose.volumeNames();
    mountedAtStart = await compose.mountedVolumes();
  });

  it('runs every core service healthy, and both init services ran to exit 0', async () => {
    await compose.assertHealthy(CORE);
  });

  it.each(APPS)('runs %s as uid 1000 on a read-only root filesystem', async (service) => {
    const id = await compose.containerId(service);
    const info = await compose.inspect<{ Config: { User: string }; HostConfig: { ReadonlyRootfs: boolean } }>(
      id,
    );
    expect(info.Config.User).toBe('1000:1000');
    expect(info.HostConfig.ReadonlyRootfs).toBe(true);
    // What the process itself sees: its uid, and a write outside /tmp refused.
    expect((await compose.docker(['exec', id, 'id', '-u'])).trim()).toBe('1000');
    const write = `require('fs').writeFileSync(process.argv[1], 'x'); console.log('written')`;
    await expect(compose.docker(['exec', id, 'node', '-e', write, '/app/probe'])).rejects.toThrow(
      /EROFS|read-only/i,
    );
    expect((await compose.docker(['exec', id, 'node', '-e', write, '/tmp/probe'])).trim()).toBe('written');
  });

  // The bridge's image is built without the IBM MQ client (MQ_CLIENT=none): IBM cannot be reached here,
  // nor can the queue manager's image be pulled. What can run, runs: the image's user and healthcheck, and
  // its start-up as compose defines it (read-only, no capabilities), which must stop with a clear error.
  it('builds mq-bridge (without the MQ client) as uid 1000 with a healthcheck; started, it names the missing client', async () => {
    const image = await compose.inspect<{ Config: { User: string; Healthcheck?: { Test: string[] } } }>(
      'eda-blueprint/mq-bridge:0.1.0',
      'image',
    );
    expect(image.Config.User).toBe('1000:1000');
    expect(image.Config.Healthcheck?.Test.join(' ')).toContain('/health/ready');
    // `run` creates the mq profile's named volumes too (mq-data); they are removed again, so the
    // project's `down -v` below (default profile) still leaves nothing behind.
    const volumesBeforeRun = new Set(await compose.volumeNames());
    try {
      const started = compose.compose(
        ['--profile', 'mq', 'run', '--rm', '--no-deps', '-T', 'mq-bridge'],
        120_000,
      );
      await expect(started).rejects.toMatchObject({
        exitCode: 1,
        output: expect.stringMatching(/IBM MQ C client not found/),
      });
    } finally {
      for (const volume of await compose.volumeNames()) {
        if (!volumesBeforeRun.has(volume) && volume.startsWith(`${compose.name}_`)) {
          await compose.docker(['volume', 'rm', volume]);
        }
      }
    }
  });

  it('carries a seeded simulation to the query API, the output topics and the live dashboard page', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'eda-compose-chromium-'));
    const topics = new OutputTopicsReader(endpoints.kafka, endpoints.registry);
    let browser: BrowserContext | undefined;
    try {
      browser = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1280, height: 900 },
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--no-first-run',
        ],
      });
      const page = await browser.newPage();
      let navigations = 0;
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations += 1;
      });
      await page.goto(endpoints.dashboard);
      await page.getByRole('status').getByText('Live').waitFor({ timeout: 30_000 });
      const before = await dashboardStock(page);
      await topics.start();

      const res = await fetch(`${endpoints.simulator}/api/simulations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...RUN, backend: 'kafka' }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      await until(
        `simulation ${id} to complete`,
        async () => {
          const s = (await (await fetch(`${endpoints.simulator}/api/simulations/${id}`)).json()) as Record<
            string,
            unknown
          >;
          return s['state'] === 'completed' && s['sent'] === RUN.count ? undefined : JSON.stringify(s);
        },
        120_000,
      );
      await until(
        'the aggregator query API to equal the expectation',
        () => queryApiMismatch(endpoints.aggregator, expected),
        180_000,
      );
      await until(
        'store.inventory and store.sales.1m to equal the expectation',
        () => topics.mismatch(expected),
        60_000,
      );
      // The page changed live (no reload) from what it showed before to the expected stock.
      await until(
        'the dashboard page to show the expected stock',
        async () => {
          const shown = JSON.stringify(await dashboardStock(page));
          const want = JSON.stringify(stockOf(expected));
          return shown === want ? undefined : `page shows ${shown}, want ${want}`;
        },
        60_000,
      );
      expect(JSON.stringify(before)).not.toBe(JSON.stringify(stockOf(expected)));
      expect(navigations).toBe(1);
      mkdirSync(join(WORKSPACE_ROOT, 'tmp/screenshots'), { recursive: true });
      await page.screenshot({
        path: join(WORKSPACE_ROOT, 'tmp/screenshots/compose-dashboard.png'),
        fullPage: true,
      });
    } finally {
      await browser?.close();
      await topics.stop();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('restores the same state after `docker compose restart inventory-aggregator`', async () => {
    await compose.compose(['restart', 'inventory-aggregator']);
    await healthy(['inventory-aggregator']);
    // Ready means restored: the first answers after readiness must already be complete.
    expect(await queryApiMismatch(endpoints.aggregator, expected)).toBeUndefined();
  });

  it.each(APPS)('ends %s with exit code 0 within its grace period on `docker stop`', async (service) => {
    const id = await compose.containerId(service);
    const started = Date.now();
    await compose.docker(['stop', '-t', String(GRACE_S[service]), id], (GRACE_S[service] + 30) * 1000);
    const elapsedS = (Date.now() - started) / 1000;
    const state = await compose.inspect<{ State: { ExitCode: number; OOMKilled: boolean } }>(id);
    if (state.State.ExitCode !== 0) {
      const logs = await compose.docker(['logs', '--tail', '40', id]).catch((e: Error) => e.message);
      throw new Error(
        `${service} exited ${state.State.ExitCode} after docker stop (${elapsedS} s); last log lines:\n${logs}`,
      );
    }
    expect(elapsedS).toBeLessThan(GRACE_S[service]);
  });

  it('keeps the schemas, their ids and the aggregates across `down` and a second `up` with the volumes kept', async () => {
    const before = await schemaIds();
    expect(Object.keys(before).length).toBeGreaterThan(0);
    await compose.compose(['down']);
    await compose.compose(['up', '-d', '--wait', '--wait-timeout', '300']);
    await compose.assertHealthy(CORE);
    expect(await schemaIds()).toEqual(before);
    expect(await queryApiMismatch(endpoints.aggregator, expected)).toBeUndefined();
  });

  it('leaves no container, volume or network of the project after `down -v`', async () => {
    await compose.compose(['down', '-v', '--remove-orphans']);
    expect(await compose.leftovers()).toEqual({ containers: [], volumes: [], networks: [] });
    // Anonymous volumes carry no project label: neither those the first containers
    // mounted (a `down` without -v orphans them) nor any created since may remain.
    const before = new Set(volumesBefore);
    const remaining = await compose.volumeNames();
    expect(remaining.filter((v) => !before.has(v) || mountedAtStart.includes(v))).toEqual([]);
  });
});
