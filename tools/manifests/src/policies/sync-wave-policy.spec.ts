import { application, setOf } from '../testing/fixtures';
import { checkSyncWaves } from './sync-wave-policy';

const ordered = [
  application('namespaces', -50),
  application('sealed-secrets', -40),
  application('platform-secrets', -35),
  application('strimzi-operator', -30),
  application('kube-prometheus-stack', -30),
  application('otel-collector', -20),
  application('jaeger', -20),
  application('monitoring', -10),
  application('kafka-cluster', 0),
  application('kafka-access', 10),
  application('schema-registry', 20),
  application('schemas', 30),
  application('ibm-mq-config', 33),
  application('ibm-mq', 36),
  application('store-simulator', 40, 'eda-apps'),
  application('inventory-aggregator', 40, 'eda-apps'),
  application('inventory-dashboard', 40, 'eda-apps'),
  application('mq-bridge', 40, 'eda-apps'),
];

const rewave = (name: string, wave: number) =>
  ordered.map((a) =>
    a.metadata.name === name ? application(name, wave, (a.spec as { project: string }).project) : a,
  );

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
    // An env without the queue manager, so the schemas stage directly precedes the apps.
    const broken = ordered
      .filter((a) => !['ibm-mq', 'ibm-mq-config'].includes(a.metadata.name ?? ''))
      .map((a) =>
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

  it('fails on the old order: the queue manager after the apps and monitoring', () => {
    // ibm-mq-config 95, ibm-mq 100, monitoring 50, mq-bridge 110: the apps' wave
    // (40) started before the queue manager the bridge needs existed.
    const old = [
      ...ordered.filter(
        (a) => !['ibm-mq-config', 'ibm-mq', 'monitoring', 'mq-bridge'].includes(a.metadata.name ?? ''),
      ),
      application('monitoring', 50),
      application('ibm-mq-config', 95),
      application('ibm-mq', 100),
      application('mq-bridge', 110, 'eda-apps'),
    ];
    const messages = checkSyncWaves([setOf('fixture', old)]).map((v) => `${v.object}: ${v.message}`);
    expect(messages).toEqual([
      'stage kafka-cluster: sync wave 0 is not after stage monitoring (wave 50)',
      'stage apps: sync wave 40 is not after stage mq (wave 100)',
    ]);
  });

  it('fails when an app would sync before the queue manager', () => {
    const [violation] = checkSyncWaves([setOf('fixture', rewave('ibm-mq', 45))]);
    expect(`${violation?.object}: ${violation?.message}`).toBe(
      'stage apps: sync wave 40 is not after stage mq (wave 45)',
    );
  });

  it('fails when monitoring would wait for the apps', () => {
    const [violation] = checkSyncWaves([setOf('fixture', rewave('monitoring', 50))]);
    expect(`${violation?.object}: ${violation?.message}`).toBe(
      'stage kafka-cluster: sync wave 0 is not after stage monitoring (wave 50)',
    );
  });

  it('fails when the collector would come after the apps that export to it', () => {
    const [violation] = checkSyncWaves([setOf('fixture', rewave('otel-collector', 60))]);
    expect(violation?.object).toBe('stage monitoring');
    expect(violation?.message).toBe('sync wave -10 is not after stage telemetry (wave 60)');
  });

  it('accepts an env without the queue manager', () => {
    const withoutMq = ordered.filter((a) => !['ibm-mq', 'ibm-mq-config'].includes(a.metadata.name ?? ''));
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
