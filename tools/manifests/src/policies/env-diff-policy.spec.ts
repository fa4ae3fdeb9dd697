import { K8sObject } from '../manifest';
import { deployment, goodContainer, setOf } from '../testing/fixtures';
import { checkEnvDiff, diffPaths } from './env-diff-policy';

const app = (overrides: Record<string, unknown>, replicas = 2): K8sObject => {
  const d = deployment(goodContainer(overrides));
  return { ...d, spec: { ...(d.spec as object), replicas } };
};
const pair = (staging: K8sObject[], prod: K8sObject[]) => [
  setOf('gitops/apps/x/envs/staging', staging, 'staging'),
  setOf('gitops/apps/x/envs/prod', prod, 'prod'),
];

describe('env-diff policy', () => {
  it('names differing leaves as JSON pointers', () => {
    expect(diffPaths({ a: { b: 1, 'c/d': 2 } }, { a: { b: 1, 'c/d': 3 } })).toEqual(['/a/c~1d']);
  });

  it('accepts differences in replicas, resources and image tag', () => {
    const staging = app({ image: 'r/app:1.0.0' }, 2);
    const prod = app(
      {
        image: 'r/app:0.9.0',
        resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '2Gi' } },
      },
      6,
    );
    expect(checkEnvDiff(pair([staging], [prod]))).toEqual([]);
  });

  it('fails on a difference that is neither sizing nor version', () => {
    const staging = app({ env: [{ name: 'FEATURE_X', value: 'on' }] });
    const prod = app({ env: [{ name: 'FEATURE_X', value: 'off' }] });
    const [violation] = checkEnvDiff(pair([staging], [prod]));
    expect(violation?.message).toMatch(/differs beyond sizing and versions at .*\/env\/FEATURE_X\/value/);
  });

  it('fails when an object exists in one env only', () => {
    expect(checkEnvDiff(pair([app({})], [])).map((v) => v.message)).toEqual(['exists in staging only']);
  });
});
