/**
 * Start-up order that means something: every long-running service reports its
 * health, every init service runs to completion, and every `depends_on` waits
 * for the right state of a service that exists and starts with it.
 */
import { hasImageHealthcheck } from '../app-services';
import { dependsOnOf, type ComposeContext, type ComposeService } from '../compose-context';
import type { ComposeCheck } from './compose-check';

/** A service may skip its healthcheck only with a written reason (e.g. a distroless image). */
export const HEALTHCHECK_WAIVER = 'x-eda-healthcheck-waiver';

/** Run-to-completion: `restart: "no"`, publishes nothing. Dependents wait for it to exit 0. */
export function isInitService(service: ComposeService): boolean {
  return service.restart === 'no' && (service.ports ?? []).length === 0;
}

/**
 * A healthcheck in the compose file, or (unless compose disables it) the
 * HEALTHCHECK of the Dockerfile the service builds: the apps keep theirs in
 * the image, so it holds wherever the image runs.
 */
function hasHealthcheck(ctx: ComposeContext, service: ComposeService): boolean {
  const hc = service.healthcheck;
  if (hc?.disable === true) return false;
  if (!hc) return hasImageHealthcheck(ctx, service);
  const test = hc.test;
  if (test === undefined) return false;
  return Array.isArray(test) ? test.length > 0 && test[0] !== 'NONE' : test.trim() !== '';
}

function waiver(service: ComposeService): unknown {
  return service[HEALTHCHECK_WAIVER];
}

export const healthcheckCheck: ComposeCheck = {
  name: 'healthchecks',
  description:
    'every service has a healthcheck (in compose or its image), is a run-to-completion init service, or has a written waiver',
  run: (ctx) =>
    Object.entries(ctx.compose.services).flatMap(([name, service]) => {
      if (hasHealthcheck(ctx, service) || isInitService(service)) return [];
      const reason = waiver(service);
      if (typeof reason === 'string' && reason.trim().length > 0) return [];
      return [
        `service ${name}: no healthcheck; add one, make it an init service (restart: "no"), or set ${HEALTHCHECK_WAIVER}: <reason>`,
      ];
    }),
};

/** The condition a dependent must use for `target`. */
function expectedCondition(ctx: ComposeContext, target: ComposeService): DependsOnCondition {
  if (isInitService(target)) return 'service_completed_successfully';
  if (hasHealthcheck(ctx, target)) return 'service_healthy';
  return 'service_started';
}
type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

/** Profiles under which `service` runs; [] means always. */
function profilesOf(service: ComposeService): string[] {
  return service.profiles ?? [];
}

function dependencyProblems(ctx: ComposeContext, name: string, service: ComposeService): string[] {
  const { compose } = ctx;
  const problems: string[] = [];
  if (Array.isArray(service.depends_on)) {
    problems.push(`service ${name}: depends_on in short syntax waits for nothing; use {condition: ...}`);
  }
  for (const [target, entry] of Object.entries(dependsOnOf(service))) {
    const dep = compose.services[target];
    if (!dep) {
      problems.push(`service ${name}: depends_on ${target}, which is not a service`);
      continue;
    }
    const wanted = expectedCondition(ctx, dep);
    if (entry.condition !== undefined && entry.condition !== wanted) {
      problems.push(
        `service ${name}: depends_on ${target} with ${entry.condition}; ${target} needs ${wanted}`,
      );
    }
    // A service that always starts cannot depend on one that only starts under a profile.
    const mine = profilesOf(service);
    const theirs = profilesOf(dep);
    if (theirs.length > 0 && (mine.length === 0 || !mine.every((p) => theirs.includes(p)))) {
      problems.push(
        `service ${name}: depends_on ${target}, which runs only with profile ${theirs.join('/')}; ` +
          `give ${name} that profile too`,
      );
    }
  }
  return problems;
}

export const dependencyCheck: ComposeCheck = {
  name: 'depends-on',
  description:
    'depends_on targets exist, start under the same profiles, and are awaited healthy (or completed, for init services)',
  run: (ctx) => {
    return Object.entries(ctx.compose.services).flatMap(([name, s]) => dependencyProblems(ctx, name, s));
  },
};
