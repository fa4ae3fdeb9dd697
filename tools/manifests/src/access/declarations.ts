/**
 * Every principal's Kafka access, from the one place each is declared:
 *
 * - each app: `apps/<app>/src/config/kafka-access.ts`, exporting
 *   `kafkaAccess(env)` (its workload's principal, from its own validated
 *   settings) and optionally `operatorAccess(routes, env)` (tools the app
 *   ships, e.g. the dashboard's DLQ replay, given every app's dead-letter routes);
 * - the schema registry: ./apicurio-registry-access.ts (not our code, so its
 *   needs are declared here, from Apicurio's configuration).
 *
 * Apps are never imported statically (nothing may depend on an app); the
 * declaration modules are loaded by path at run time, as tools/compose loads
 * the apps' config modules, and their exports are checked.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DeadLetterRoute, KafkaAccess } from '@eda/kafka';
import { apicurioRegistryAccess } from './apicurio-registry-access';

/** Where an app declares its access, relative to the repo root. */
export const appDeclarationFile = (app: string): string => `apps/${app}/src/config/kafka-access.ts`;

/** A declaration module does not export what the generator needs. */
export class DeclarationModuleError extends Error {
  readonly retriable = false;
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'DeclarationModuleError';
  }
}

/** What an app's kafka-access module exports. */
export interface AppDeclarationModule {
  readonly kafkaAccess: (env?: NodeJS.ProcessEnv) => KafkaAccess;
  readonly operatorAccess?: (routes: readonly DeadLetterRoute[], env?: NodeJS.ProcessEnv) => KafkaAccess[];
}

/** The apps that declare Kafka access (the folder name is the chart name), sorted. */
export function declaringApps(root: string): string[] {
  const apps = join(root, 'apps');
  return readdirSync(apps)
    .filter((a) => existsSync(join(root, appDeclarationFile(a))))
    .sort();
}

/** Loads one app's declaration module. */
export function loadAppDeclaration(root: string, app: string): AppDeclarationModule {
  const file = appDeclarationFile(app);
  const mod = require(join(root, file)) as Partial<AppDeclarationModule>;
  if (typeof mod.kafkaAccess !== 'function')
    throw new DeclarationModuleError(file, 'must export kafkaAccess(env): KafkaAccess');
  if (mod.operatorAccess !== undefined && typeof mod.operatorAccess !== 'function')
    throw new DeclarationModuleError(file, 'operatorAccess, when exported, must be a function');
  return mod as AppDeclarationModule;
}

/** One generated principal and where it was declared. */
export interface DeclaredPrincipal {
  readonly access: KafkaAccess;
  /** The declaring file, relative to the repo root. */
  readonly declaredIn: string;
  /** The app (chart) whose workload runs as it, when it is a workload's principal. */
  readonly app?: string;
}

/**
 * Every principal, each with the access its code declares at its defaults
 * (a deployment may override settings; the app-kafka-usage policy checks
 * each rendered workload's env against the generated ACLs).
 */
export function collectDeclarations(root: string): DeclaredPrincipal[] {
  const apps = declaringApps(root).map((app) => ({ app, mod: loadAppDeclaration(root, app) }));
  const principals: DeclaredPrincipal[] = apps.map(({ app, mod }) => ({
    access: mod.kafkaAccess({}),
    declaredIn: appDeclarationFile(app),
    app,
  }));
  const routes = principals.flatMap((p) => p.access.deadLetters);
  for (const { app, mod } of apps) {
    for (const access of mod.operatorAccess?.(routes, {}) ?? [])
      principals.push({ access, declaredIn: appDeclarationFile(app) });
  }
  principals.push({
    access: apicurioRegistryAccess(),
    declaredIn: 'tools/manifests/src/access/apicurio-registry-access.ts',
  });
  const seen = new Map<string, string>();
  for (const p of principals) {
    const other = seen.get(p.access.principal);
    if (other)
      throw new DeclarationModuleError(
        p.declaredIn,
        `declares principal "${p.access.principal}", as ${other} does`,
      );
    seen.set(p.access.principal, p.declaredIn);
  }
  return principals.sort((a, b) => a.access.principal.localeCompare(b.access.principal));
}
