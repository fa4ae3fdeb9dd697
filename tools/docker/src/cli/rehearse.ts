/**
 * Rehearses the container start of apps without Docker (docs/compose.md):
 * builds each app, lays it out as its image does (the build plus
 * `npm ci --omit=dev` node_modules, outside the workspace), starts it with
 * its Dockerfile's ENV and ENTRYPOINT against a running Kafka and registry,
 * waits for 200 from /health/ready, runs the Dockerfile's HEALTHCHECK
 * command, sends SIGTERM and expects exit 0.
 *
 *   npx nx run @eda/docker:rehearse -- [<app>...] [--workspace-deps] [--timeout <s>]
 *   (= tsx tools/docker/src/cli/rehearse.ts ...)
 *
 * No app named: every app with a Dockerfile but the mq-bridge, which cannot be
 * ready without IBM MQ and its C client (compose's `mq` profile and its image). KAFKA_BROKERS and
 * SCHEMA_REGISTRY_URL default to the native stack's. The aggregator runs under
 * a unique APPLICATION_ID, whose consumer group and internal topics are
 * deleted afterwards, so a rehearsal never joins a running aggregator's group.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { APPS_NEEDING_MQ, appOutDir, appsWithDockerfile, buildApp } from '../app-build';
import { imageRuntime } from '../image-runtime';
import {
  deleteApplicationState,
  productionDependencies,
  productionRunDir,
  rehearse,
  type RehearsalResult,
} from '../rehearsal';
import { WORKSPACE_ROOT } from '../workspace';

const { values, positionals } = parseArgs({
  options: {
    'workspace-deps': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '90' },
  },
  allowPositionals: true,
});

const apps =
  positionals.length > 0
    ? positionals
    : appsWithDockerfile(WORKSPACE_ROOT).filter((app) => !APPS_NEEDING_MQ.includes(app));
const brokers = process.env['KAFKA_BROKERS'] || '127.0.0.1:9092';
const registry = process.env['SCHEMA_REGISTRY_URL'] || 'http://127.0.0.1:8081/apis/ccompat/v7';

/** Per-app environment a rehearsal needs beyond Kafka and the registry. */
function appEnv(app: string, runId: string): NodeJS.ProcessEnv {
  return app === 'inventory-aggregator' ? { APPLICATION_ID: `rehearsal-${runId}` } : {};
}

function report(r: RehearsalResult): boolean {
  const ok = r.readyStatus === 200 && r.healthcheckExit === 0 && r.exitCode === 0;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${r.app}: /health/ready ${r.readyStatus ?? 'no answer'} after ${r.readyAfterMs} ms; ` +
      `image HEALTHCHECK exit ${r.healthcheckExit ?? 'not run'}; ` +
      `SIGTERM -> exit ${r.exitCode ?? r.signal} after ${r.stopAfterMs} ms`,
  );
  console.log(`     ready body: ${r.readyBody.slice(0, 300)}`);
  if (!ok) console.log(r.output.split('\n').slice(-40).join('\n'));
  return ok;
}

async function main(): Promise<number> {
  const deps = values['workspace-deps']
    ? undefined
    : productionDependencies(WORKSPACE_ROOT, (line) => console.log(line));
  let failed = 0;
  for (const app of apps) {
    const build = buildApp({ root: WORKSPACE_ROOT, app });
    console.log(`built ${app}: ${build.compiled} files into ${appOutDir(app)}`);
    const runDir = deps ? productionRunDir(WORKSPACE_ROOT, app, deps) : join(WORKSPACE_ROOT, appOutDir(app));
    const runId = `${process.pid}-${Date.now().toString(36)}`;
    const env: NodeJS.ProcessEnv = {
      KAFKA_BROKERS: brokers,
      SCHEMA_REGISTRY_URL: registry,
      ...appEnv(app, runId),
    };
    const image = imageRuntime(readFileSync(join(WORKSPACE_ROOT, 'apps', app, 'Dockerfile'), 'utf8'));
    try {
      const result = await rehearse({
        app,
        runDir,
        image,
        env,
        readyTimeoutMs: Number(values.timeout) * 1000,
      });
      if (!report(result)) failed++;
    } finally {
      const applicationId = env['APPLICATION_ID'];
      if (applicationId) await deleteApplicationState(brokers.split(','), applicationId);
    }
  }
  console.log(`rehearsal: ${apps.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
