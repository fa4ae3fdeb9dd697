import { application, setOf } from '../testing/fixtures';
import { checkSyncWaves } from './sync-wave-policy';

const ordered = [
  application('namespaces', -50),
  application('sealed-secrets', -40),
  application('platform-secrets', -35),
  application('strimzi-operator', -30),
  application('kube-prometheus-stack', -30),
  application('kafka-cluster', 0),
  application('kafka-access', 10),
  application('schema-registry', 20),
  application('schemas', 30),
  application('store-simulator', 40, 'eda-apps'),
  application('inventory-aggregator', 40, 'eda-apps'),
  application('inventory-dashboard', 40, 'eda-apps'),
  application('monitoring', 50),
  application('ibm-mq', 100),
  application('mq-bridge', 110, 'eda-apps'),
];

describe('sync-wave policy', () => {
  it('accepts the documented order', () => {
    expect(checkSyncWaves([setOf('fixture', ordered)])).toEqual([]);
  });

  it('fails when topics and users would sync with or before the cluster', () => {
    const broken = ordered.map((a) =>
      a.metadata.name === 'kafka-access' ? application('kafka-access', 0) : a,
    );
    const [violation] = checkSyncWaves([setOf('fixture', broken)]);
    expect(violation?.object).toBe('stage kafka-access');
    expect(violation?.message).toBe('sync wave 0 is not after stage kafka-cluster (wave 0)');
  });

  it('fails when an app would sync before its schemas are registered', () => {
    const broken = ordered.map((a) =>
      a.metadata.name === 'store-simulator' ? application('store-simulator', 25, 'eda-apps') : a,
    );
    const [violation] = checkSyncWaves([setOf('fixture', broken)]);
    expect(`${violation?.object}: ${violation?.message}`).toBe(
      'stage apps: sync wave 25 is not after stage schemas (wave 30)',
    );
  });

  it('fails when SealedSecrets would sync with the charts that read them', () => {
    const broken = ordered.map((a) =>
      a.metadata.name === 'platform-secrets' ? application('platform-secrets', -30) : a,
    );
    const [violation] = checkSyncWaves([setOf('fixture', broken)]);
    expect(`${violation?.object}: ${violation?.message}`).toBe(
      'stage operators: sync wave -30 is not after stage secrets (wave -30)',
    );
  });

  it('fails when the mq-bridge would sync with the other apps, holding back monitoring', () => {
    const broken = ordered.map((a) =>
      a.metadata.name === 'mq-bridge' ? application('mq-bridge', 40, 'eda-apps') : a,
    );
    const [violation] = checkSyncWaves([setOf('fixture', broken)]);
    expect(`${violation?.object}: ${violation?.message}`).toBe(
      'stage mq-apps: sync wave 40 is not after stage extras (wave 100)',
    );
  });

  it('accepts an env without the queue manager: the MQ apps still come last', () => {
    const withoutMq = ordered.filter((a) => a.metadata.name !== 'ibm-mq');
    expect(checkSyncWaves([setOf('fixture', withoutMq)])).toEqual([]);
  });

  it('fails on an Application without a wave or outside every stage', () => {
    const messages = checkSyncWaves([
      setOf('fixture', [...ordered, application('kafka-ui', 60), application('schemas', undefined)]),
    ]).map((v) => `${v.object}: ${v.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/kafka-ui: belongs to no deployment stage/),
        expect.stringMatching(/schemas: has no integer argocd.argoproj.io\/sync-wave/),
      ]),
    );
  });
});
