/**
 * The app services of the compose file: those built from `apps/<app>/Dockerfile`.
 * What the checks need to know about them: the Dockerfile's final stage (its
 * ENV, HEALTHCHECK, ENTRYPOINT), and what the app's own configuration code
 * makes of the environment the container gets (app-config-probe.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ProbeReport } from './app-config-probe';
import { environmentOf, type ComposeContext, type ComposeService } from './compose-context';
import { imageEnvironment, imageHasHealthcheck } from './dockerfile';

/** An app service: the compose service, the app folder name, and its Dockerfile. */
export interface AppService {
  readonly name: string;
  readonly service: ComposeService;
  readonly app: string;
  readonly dockerfile: string;
}

/** The Dockerfile a service builds (relative to the root), if it builds one. */
export function builtDockerfile(service: ComposeService): string | undefined {
  const build = service.build;
  if (build === undefined) return undefined;
  const context = (typeof build === 'string' ? build : (build.context ?? '.')).replace(/^\.\/?|\/$/g, '');
  const file = typeof build === 'string' ? 'Dockerfile' : (build.dockerfile ?? 'Dockerfile');
  return context ? `${context}/${file}` : file;
}

/** Services built from `apps/<app>/Dockerfile`. */
export function appServices(ctx: ComposeContext): AppService[] {
  return Object.entries(ctx.compose.services).flatMap(([name, service]) => {
    const dockerfile = builtDockerfile(service);
    const m = dockerfile ? /^apps\/([^/]+)\/Dockerfile$/.exec(dockerfile) : null;
    return m?.[1] && dockerfile ? [{ name, service, app: m[1], dockerfile }] : [];
  });
}

/** Whether a service is health-checked by the HEALTHCHECK of the image it builds. */
export function hasImageHealthcheck(ctx: ComposeContext, service: ComposeService): boolean {
  const file = builtDockerfile(service);
  return file !== undefined && ctx.exists(file) && imageHasHealthcheck(ctx.readText(file));
}

/**
 * The environment inside the app's container: the image's ENV, then compose's
 * `environment`; a `/run/secrets/<id>` path points at the secret's file in the
 * repository, as compose would mount it.
 */
export function containerEnvironment(ctx: ComposeContext, app: AppService): Record<string, string> {
  const env = { ...imageEnvironment(ctx.readText(app.dockerfile)), ...environmentOf(app.service) };
  for (const [key, value] of Object.entries(env)) {
    const secret = /^\/run\/secrets\/([^/]+)$/.exec(value)?.[1];
    const file = secret ? ctx.compose.secrets?.[secret]?.file : undefined;
    if (file) env[key] = join(ctx.root, file);
  }
  return env;
}

/** The configuration folder whose `*.config.ts` files validate an app's environment. */
export function configDir(app: string): string {
  return `apps/${app}/src/config`;
}

const probes = new Map<string, ProbeReport>();

/**
 * Runs the app's configuration validation with exactly `env` (nothing from
 * this process's environment but PATH) in a child process; memoised per
 * app and environment, as each run costs about half a second.
 */
export function probeAppConfig(root: string, app: string, env: Record<string, string>): ProbeReport {
  const key = JSON.stringify([root, app, env]);
  const cached = probes.get(key);
  if (cached) return cached;
  const run = spawnSync(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'app-config-probe.ts'), join(root, configDir(app))],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env['PATH'], SWC_NODE_PROJECT: join(root, 'apps', app, 'tsconfig.json'), ...env },
    },
  );
  const line = run.stdout.trim().split('\n').pop() ?? '';
  let report: ProbeReport;
  try {
    report = JSON.parse(line) as ProbeReport;
  } catch {
    report = { read: [], settings: {}, error: `the configuration probe failed: ${run.stderr || run.error}` };
  }
  probes.set(key, report);
  return report;
}
