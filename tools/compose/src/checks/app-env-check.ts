/**
 * The apps as compose runs them. Which variables an app requires, and which
 * values it accepts, is known to one place only: its configuration code
 * (`apps/<app>/src/config/*.config.ts`, validated once at start-up). So these
 * checks run that code (app-config-probe.ts) with exactly the environment the
 * container gets, the image's ENV plus compose's `environment`, rather than
 * keep a second list here.
 *
 * - `app-services`: every app (`apps/<app>/src/main.ts`) is a compose service built from its Dockerfile.
 * - `app-env`: the app's validation passes; no setting resolves to a host
 *   default (127.0.0.1 or localhost, which inside a container is the container
 *   itself); every topic it resolves, defaults included, is a declared
 *   KafkaTopic; every variable compose sets is one the app reads (a misspelt
 *   name would be silently ignored, and the default used instead).
 * - `app-ports`: the port the app listens on (its resolved `port`) is the one
 *   compose publishes and exposes, and the one its image EXPOSEs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadTopicCatalog } from '@eda/kafka/topics';
import {
  appServices,
  configDir,
  containerEnvironment,
  probeAppConfig,
  type AppService,
} from '../app-services';
import { environmentOf, type ComposeContext } from '../compose-context';
import { finalStage, parseDockerfile } from '../dockerfile';
import type { ComposeCheck } from './compose-check';
import { TOPIC_DECLARATION_DIRS } from './contract-check';
import { parsePort } from './port-check';

/** Variables read by the runtime or the OpenTelemetry SDK itself, not by the app's config code. */
const RUNTIME_VARIABLES = /^(OTEL_[A-Z0-9_]+|NODE_[A-Z0-9_]+|TZ|UV_THREADPOOL_SIZE)$/;

/** A loopback address as a whole host: in a URL, a `host:port`, or alone. */
const LOOPBACK = /(^|[/@,\s])(localhost|127(\.\d{1,3}){3}|\[?::1\]?)(?=[:/,\s]|$)/i;

/** Apps in the repository: folders under apps/ with a src/main.ts. */
export function appsOnDisk(root: string): string[] {
  return readdirSync(join(root, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'apps', d.name, 'src', 'main.ts')))
    .map((d) => d.name);
}

/** `[path, value]` for every string leaf of a settings tree. */
function stringLeaves(value: unknown, path: string): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** `CONFIGURATION(kafka)` (registerAs's KEY) -> `kafka`. */
function namespace(key: string): string {
  return /^CONFIGURATION\((.+)\)$/.exec(key)?.[1] ?? key;
}

/** Topic names declared as KafkaTopic files (the catalog the topics service creates). */
function declaredTopics(ctx: ComposeContext): Set<string> {
  return new Set(
    TOPIC_DECLARATION_DIRS.flatMap((d) => loadTopicCatalog(join(ctx.root, d))).map((t) => t.name),
  );
}

/** The probe of one app service, with the container's environment. */
function probe(ctx: ComposeContext, app: AppService) {
  return probeAppConfig(ctx.root, app.app, containerEnvironment(ctx, app));
}

function envProblems(ctx: ComposeContext, app: AppService): string[] {
  const where = `service ${app.name}`;
  if (!ctx.exists(configDir(app.app))) {
    return [`${where}: ${configDir(app.app)} does not exist, so its environment cannot be validated`];
  }
  const report = probe(ctx, app);
  if (report.error)
    return [`${where}: ${configDir(app.app)} rejects the container's environment: ${report.error}`];
  const problems: string[] = [];
  const topics = declaredTopics(ctx);
  for (const [key, settings] of Object.entries(report.settings)) {
    if (key === 'telemetry') continue;
    for (const [path, value] of stringLeaves(settings, namespace(key))) {
      if (LOOPBACK.test(value)) {
        problems.push(
          `${where}: ${path} resolves to '${value}', a loopback address, which in a container is the container itself; set its variable in compose`,
        );
      }
      if (/topic/i.test(path) && !topics.has(value)) {
        problems.push(
          `${where}: ${path} resolves to topic '${value}', which no KafkaTopic in gitops/ declares`,
        );
      }
    }
  }
  const read = new Set(report.read);
  for (const variable of Object.keys(environmentOf(app.service))) {
    if (!read.has(variable) && !RUNTIME_VARIABLES.test(variable)) {
      problems.push(`${where}: sets ${variable}, which ${configDir(app.app)} never reads (misspelt?)`);
    }
  }
  return problems;
}

/** The port an app listens on: the `port` of its first settings namespace that has one. */
export function listeningPort(settings: Record<string, unknown>): number | undefined {
  for (const value of Object.values(settings)) {
    const port = (value as { port?: unknown } | null)?.port;
    if (typeof port === 'number') return port;
  }
  return undefined;
}

function portProblems(ctx: ComposeContext, app: AppService): string[] {
  const where = `service ${app.name}`;
  if (!ctx.exists(configDir(app.app))) return [];
  const report = probe(ctx, app);
  if (report.error) return []; // app-env reports it
  const port = listeningPort(report.settings);
  if (port === undefined) return [`${where}: ${configDir(app.app)} resolves no listening port`];
  const problems: string[] = [];
  const published = (app.service.ports ?? []).map(parsePort);
  if (published.length === 0) problems.push(`${where}: publishes no port; the app listens on ${port}`);
  for (const p of published) {
    if (p.target !== port)
      problems.push(`${where}: publishes container port ${p.target}, but the app listens on ${port}`);
  }
  const exposed = (app.service.expose ?? []).map((e) => Number(String(e).split('/')[0]));
  if (!exposed.includes(port)) problems.push(`${where}: expose does not list ${port}, the app's port`);
  const imageExposes = finalStage(parseDockerfile(ctx.readText(app.dockerfile)))
    .filter((i) => i.keyword === 'EXPOSE')
    .flatMap((i) => i.args.split(/\s+/).map((p) => Number(p.split('/')[0])));
  if (!imageExposes.includes(port)) {
    problems.push(
      `${app.dockerfile}: EXPOSE ${imageExposes.join(' ') || '(none)'}, but the app listens on ${port}`,
    );
  }
  return problems;
}

export const appServicesCheck: ComposeCheck = {
  name: 'app-services',
  description: 'every app (apps/<app>/src/main.ts) is a compose service built from apps/<app>/Dockerfile',
  run: (ctx) => {
    const served = new Set(appServices(ctx).map((a) => a.app));
    return appsOnDisk(ctx.root)
      .filter((app) => !served.has(app))
      .map((app) => `app ${app} has no compose service built from apps/${app}/Dockerfile`);
  },
};

export const appEnvCheck: ComposeCheck = {
  name: 'app-env',
  description:
    "each app's own config validation accepts its container environment, resolves no loopback default, and reads every variable compose sets",
  run: (ctx) => appServices(ctx).flatMap((app) => envProblems(ctx, app)),
};

export const appPortCheck: ComposeCheck = {
  name: 'app-ports',
  description: 'the port each app listens on is the one compose publishes and exposes and its image EXPOSEs',
  run: (ctx) => appServices(ctx).flatMap((app) => portProblems(ctx, app)),
};
