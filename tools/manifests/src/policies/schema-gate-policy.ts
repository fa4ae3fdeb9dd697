/**
 * Schema registration is a gate the apps cannot pass while it fails.
 *
 * The `schemas` Application (wave 30) holds the registration Job
 * (app.kubernetes.io/component=schemas). Argo CD leaves hooks out of an
 * Application's health, so the Job must be an ordinary resource: then Argo
 * CD's built-in batch/Job health check makes the Application Progressing
 * while it runs and Degraded when it fails, and the root Application does not
 * start the apps' wave (40) until it is Healthy. Hence, for that Job:
 * - no `argocd.argoproj.io/hook` annotation;
 * - `argocd.argoproj.io/sync-options` with Replace=true and Force=true (a
 *   Job's pod template is immutable: a new tools image re-creates it);
 * - no ttlSecondsAfterFinished (a Job removed by its TTL turns Missing and
 *   self-heal runs it again);
 * - a finite backoffLimit and activeDeadlineSeconds, so a hanging registry
 *   turns into a failure (Degraded) instead of an endless Progressing.
 *
 * And Argo CD must see it: `checkJobHealthCheck` reads Argo CD's install values
 * (gitops/bootstrap/argocd/values.yaml) and requires a `batch_Job` health
 * check that maps a Failed Job to Degraded and a Complete one to Healthy.
 */
import { parse } from 'yaml';
import { describeObject, field, K8sObject, RenderedSet, Violation } from '../manifest';

const POLICY = 'schema-gate';

const isSchemaJob = (o: K8sObject) =>
  o.kind === 'Job' &&
  o.apiVersion === 'batch/v1' &&
  o.metadata.labels?.['app.kubernetes.io/component'] === 'schemas';

/** Checks every schema registration Job in the sets. */
export function checkSchemaGate(sets: readonly RenderedSet[]): Violation[] {
  const violations: Violation[] = [];
  for (const set of sets) {
    for (const job of set.objects.filter(isSchemaJob)) {
      const push = (message: string) =>
        violations.push({ policy: POLICY, source: set.source, object: describeObject(job), message });
      const annotations = job.metadata.annotations ?? {};
      const hook = annotations['argocd.argoproj.io/hook'];
      if (hook !== undefined) {
        push(
          `is an Argo CD ${hook} hook; hooks are left out of the Application's health, so the apps' wave would start while it runs or after it failed. Make it an ordinary resource`,
        );
      }
      const options = (annotations['argocd.argoproj.io/sync-options'] ?? '').split(',').map((o) => o.trim());
      if (hook === undefined && !(options.includes('Replace=true') && options.includes('Force=true'))) {
        push(
          'lacks argocd.argoproj.io/sync-options: Replace=true,Force=true; its pod template is immutable, so a new tools image could not be applied (and the registration would not run again)',
        );
      }
      if (field(job, 'spec', 'ttlSecondsAfterFinished') !== undefined) {
        push(
          'sets ttlSecondsAfterFinished; once deleted by its TTL the Job is Missing and self-heal re-runs it',
        );
      }
      for (const limit of ['backoffLimit', 'activeDeadlineSeconds']) {
        if (typeof field(job, 'spec', limit) !== 'number') {
          push(`has no spec.${limit}; a registry that never answers would keep the gate Progressing forever`);
        }
      }
    }
  }
  return violations;
}

/** Argo CD's install values, relative to the repository root. */
export const ARGOCD_VALUES_FILE = 'gitops/bootstrap/argocd/values.yaml';
const JOB_HEALTH_KEY = 'resource.customizations.health.batch_Job';

/** Checks that Argo CD's values carry the Job health check the gate relies on. */
export function checkJobHealthCheck(valuesYaml: string, source = ARGOCD_VALUES_FILE): Violation[] {
  const values: unknown = parse(valuesYaml);
  const lua = field(values, 'configs', 'cm', JOB_HEALTH_KEY);
  const push = (message: string): Violation[] => [
    { policy: POLICY, source, object: `configs.cm.${JOB_HEALTH_KEY}`, message },
  ];
  if (typeof lua !== 'string') {
    return push(
      'is missing; without a Job health check the schemas Application would not report a failed registration',
    );
  }
  for (const [condition, status] of [
    ['Failed', 'Degraded'],
    ['Complete', 'Healthy'],
  ]) {
    if (!lua.includes(`"${condition}"`) || !lua.includes(`"${status}"`)) {
      return push(`does not map a ${condition} Job to ${status}`);
    }
  }
  return [];
}
