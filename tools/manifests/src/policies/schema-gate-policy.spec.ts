import { K8sObject } from '../manifest';
import { setOf } from '../testing/fixtures';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ARGOCD_VALUES_FILE, checkJobHealthCheck, checkSchemaGate } from './schema-gate-policy';

function schemaJob(annotations: Record<string, string>, spec: Record<string, unknown> = {}): K8sObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'schema-deploy',
      namespace: 'eda',
      labels: { 'app.kubernetes.io/component': 'schemas' },
      annotations,
    },
    spec: { backoffLimit: 4, activeDeadlineSeconds: 600, template: { spec: {} }, ...spec },
  };
}

const gate = { 'argocd.argoproj.io/sync-options': 'Replace=true,Force=true' };
const check = (job: K8sObject) =>
  checkSchemaGate([setOf('gitops/platform/schemas/envs/dev', [job], 'dev')]).map((v) => v.message);

describe('schema-gate policy', () => {
  it('passes a Job that is part of the Application health and is re-created on change', () => {
    expect(check(schemaJob(gate))).toEqual([]);
  });

  it('fails on the old Sync hook, which Argo CD leaves out of the health', () => {
    const hook = schemaJob(
      { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
      { ttlSecondsAfterFinished: 86400 },
    );
    expect(check(hook)).toEqual([
      expect.stringMatching(/^is an Argo CD Sync hook; hooks are left out of the Application's health/),
      expect.stringMatching(/^sets ttlSecondsAfterFinished/),
    ]);
  });

  it('fails when the immutable Job could not be replaced by a new release', () => {
    expect(check(schemaJob({}))).toEqual([
      expect.stringMatching(/^lacks argocd.argoproj.io\/sync-options: Replace=true,Force=true/),
    ]);
  });

  it('fails on a Job that could retry forever', () => {
    const job = schemaJob(gate);
    delete (job['spec'] as Record<string, unknown>)['activeDeadlineSeconds'];
    expect(check(job)).toEqual([
      'has no spec.activeDeadlineSeconds; a registry that never answers would keep the gate Progressing forever',
    ]);
  });

  describe('the Job health check in the Argo CD values', () => {
    const values = readFileSync(resolve(__dirname, '..', '..', '..', '..', ARGOCD_VALUES_FILE), 'utf8');

    it("passes the repository's values", () => {
      expect(checkJobHealthCheck(values)).toEqual([]);
    });

    it('fails when the check is gone, or no longer marks a failed Job Degraded', () => {
      const without = values.replace(
        /resource\.customizations\.health\.batch_Job/,
        'resource.customizations.health.batch_JobX',
      );
      expect(checkJobHealthCheck(without).map((v) => v.message)).toEqual([
        expect.stringMatching(/^is missing; without a Job health check/),
      ]);
      const lenient = values.replace('hs.status = "Degraded"', 'hs.status = "Progressing"');
      expect(lenient).not.toEqual(values);
      expect(checkJobHealthCheck(lenient).map((v) => v.message)).toEqual([
        'does not map a Failed Job to Degraded',
      ]);
    });
  });
});
