/**
 * The artefact each app image ships starts and serves: build every app that
 * has a Dockerfile, start the build as the image would (its ENV and
 * exec-form ENTRYPOINT, read from the Dockerfile, no TypeScript tooling),
 * wait for 200 from /health/ready, run the image's HEALTHCHECK command, and
 * stop it with SIGTERM, expecting exit 0. Against the real Kafka and registry.
 *
 * The build goes to a scratch folder inside the workspace, so node_modules
 * resolve to the workspace's (cheap); `npx nx run @eda/docker:rehearse` runs
 * the same against a production-only `npm ci --omit=dev` install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createSchemaRegistryClient, registryConfigFromEnv } from '@eda/events';
import { deploySchemas, loadSubjectCatalog } from '@eda/events/deploy';
import { stackEndpoints, uniqueName } from '@eda/testing';
import { APPS_NEEDING_MQ, appsWithDockerfile, buildApp } from './app-build';
import { imageRuntime } from './image-runtime';
import { deleteApplicationState, freePort, rehearse, type RehearsalResult } from './rehearsal';
import { WORKSPACE_ROOT } from './workspace';

describe('app images: the build starts, is ready, and stops on SIGTERM', () => {
  const { brokers, registryUrl } = stackEndpoints();
  const scratch = join(WORKSPACE_ROOT, 'tmp', uniqueName('app-images'));
  const applicationId = uniqueName('app-images-aggregator');
  const apps = appsWithDockerfile(WORKSPACE_ROOT).filter((app) => !APPS_NEEDING_MQ.includes(app));
  const results = new Map<string, RehearsalResult>();

  beforeAll(async () => {
    // The apps check their subjects at readiness: register them, as `npm start` and compose do.
    const registry = createSchemaRegistryClient(registryConfigFromEnv({ SCHEMA_REGISTRY_URL: registryUrl }));
    const report = await deploySchemas(
      registry,
      loadSubjectCatalog(join(WORKSPACE_ROOT, 'libs/events/schemas'), ''),
    );
    expect(report.ok).toBe(true);
    const runs = apps.map(async (app) => {
      buildApp({ root: WORKSPACE_ROOT, app, outDir: join(scratch, app) });
      const image = imageRuntime(readFileSync(join(WORKSPACE_ROOT, 'apps', app, 'Dockerfile'), 'utf8'));
      const result = await rehearse({
        app,
        runDir: join(scratch, app),
        image,
        env: {
          KAFKA_BROKERS: brokers.join(','),
          SCHEMA_REGISTRY_URL: registryUrl,
          // A group and internal topics of its own, never a running aggregator's.
          ...(app === 'inventory-aggregator' ? { APPLICATION_ID: applicationId } : {}),
        },
        readyTimeoutMs: 40_000,
      });
      results.set(app, result);
    });
    await Promise.all(runs);
  }, 90_000);

  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await deleteApplicationState(brokers, applicationId);
  });

  it('covers the three Kafka apps at least', () => {
    expect(apps).toEqual(
      expect.arrayContaining(['inventory-aggregator', 'inventory-dashboard', 'store-simulator']),
    );
  });

  it.each(['store-simulator', 'inventory-aggregator', 'inventory-dashboard'])(
    '%s: ready, healthy by its image HEALTHCHECK, exit 0 on SIGTERM',
    (app) => {
      const r = results.get(app);
      expect(r).toBeDefined();
      const outcome = { ready: r?.readyStatus, healthcheck: r?.healthcheckExit, exit: r?.exitCode };
      expect({ ...outcome, output: outcome.exit === 0 ? '' : r?.output }).toEqual({
        ready: 200,
        healthcheck: 0,
        exit: 0,
        output: '',
      });
    },
  );

  // Where a machine has the MQ client installed, the bridge would go on to connect: not this test.
  const mqClientHere = existsSync('/opt/mqm/lib64/libmqm_r.so');
  const mqApps = APPS_NEEDING_MQ.filter((app) => appsWithDockerfile(WORKSPACE_ROOT).includes(app));
  (mqApps.length > 0 && !mqClientHere ? it.each(mqApps) : it.skip.each([...APPS_NEEDING_MQ]))(
    '%s: the build loads and validates its config, and stops only at the missing MQ C client (compose has it)',
    (app) => {
      const out = join(scratch, app);
      buildApp({ root: WORKSPACE_ROOT, app, outDir: out });
      const image = imageRuntime(readFileSync(join(WORKSPACE_ROOT, 'apps', app, 'Dockerfile'), 'utf8'));
      const [, ...args] = image.argv;
      const run = spawnSync(process.execPath, args, {
        cwd: out,
        encoding: 'utf8',
        timeout: 30_000,
        env: {
          PATH: process.env['PATH'],
          ...image.env,
          HOST: '127.0.0.1',
          PORT: '0',
          KAFKA_BROKERS: brokers.join(','),
          SCHEMA_REGISTRY_URL: registryUrl,
          MQ_QMGR: 'QM1',
          MQ_CONN_NAME: '127.0.0.1(1)',
          MQ_CHANNEL: 'DEV.APP.SVRCONN',
          MQ_QUEUE: 'DEV.ITEMS',
          MQ_BACKOUT_QUEUE: 'DEV.ITEMS.BACKOUT',
          // Not the image's /opt/mqm: this machine has no MQ client, which is the point.
          LD_LIBRARY_PATH: '',
        },
      });
      const output = run.stdout + run.stderr;
      expect(output).not.toMatch(/Cannot find module|is not a constructor|Nest can't resolve/);
      expect(output).toMatch(/MQ C (client|library)/);
      expect(run.status).toBe(1);
    },
  );

  it('the dashboard build carries its web page', () => {
    const page = join(scratch, 'inventory-dashboard/apps/inventory-dashboard/src/live/public/index.html');
    expect(existsSync(page)).toBe(true);
  });

  it('the image HEALTHCHECK fails when nothing answers', async () => {
    const image = imageRuntime(readFileSync(join(WORKSPACE_ROOT, 'apps/store-simulator/Dockerfile'), 'utf8'));
    const [, ...args] = image.healthcheck ?? [];
    const run = spawnSync(process.execPath, args, {
      env: { PATH: process.env['PATH'], PORT: String(await freePort()) },
      timeout: 10_000,
    });
    expect(run.status).toBe(1);
  });
});
