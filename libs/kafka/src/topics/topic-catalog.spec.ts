import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  configFor,
  loadTopicCatalog,
  parseKafkaTopic,
  replicationFor,
  TopicCatalogError,
} from './topic-catalog';

const workspaceRoot = join(__dirname, '../../../..');
const catalogDir = join(workspaceRoot, 'gitops/platform/kafka-cluster/kafkatopics');

function kafkaTopic(name: string, spec: Record<string, unknown>): unknown {
  return { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaTopic', metadata: { name }, spec };
}

describe('the committed topic catalog', () => {
  const catalog = loadTopicCatalog(catalogDir);
  const byName = new Map(catalog.map((t) => [t.name, t]));

  // The public contract of ../shared/DESIGN.md: topic names and their roles.
  it.each([
    ['items', 'delete'],
    ['item.inventory', 'compact'],
    ['store.inventory', 'compact'],
    ['store.sales.1m', 'delete'],
    ['inventory.alerts', 'delete'],
  ])('declares %s with cleanup.policy=%s', (name, policy) => {
    expect(byName.get(name)?.config['cleanup.policy']).toBe(policy);
  });

  it('gives items 6 partitions, as production needs', () => {
    expect(byName.get('items')?.partitions).toBe(6);
  });

  it('declares a DLQ for every topic a consumer reads', () => {
    for (const input of ['items', 'item.inventory', 'store.inventory', 'store.sales.1m']) {
      expect(byName.has(`${input}.dlq`)).toBe(true);
    }
  });
});

describe('parseKafkaTopic', () => {
  it('prefers spec.topicName and stringifies config values', () => {
    const topic = parseKafkaTopic(
      kafkaTopic('k8s-name', {
        topicName: 'store.sales.1m',
        partitions: 6,
        replicas: 3,
        config: { 'retention.ms': 1000 },
      }),
      'f.yaml',
    );
    expect(topic).toEqual({
      name: 'store.sales.1m',
      partitions: 6,
      replicas: 3,
      config: { 'retention.ms': '1000' },
      source: 'f.yaml',
    });
  });

  it('ignores other kinds', () => {
    expect(parseKafkaTopic({ kind: 'KafkaUser', metadata: { name: 'u' } }, 'f.yaml')).toBeUndefined();
  });

  it('names the file and field when partitions are invalid', () => {
    expect(() => parseKafkaTopic(kafkaTopic('t', { partitions: 0, replicas: 1 }), 'bad.yaml')).toThrow(
      new TopicCatalogError('bad.yaml: spec.partitions must be a positive integer, got 0'),
    );
  });
});

describe('loadTopicCatalog', () => {
  it('rejects a topic declared in two files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const yaml = (n: string) =>
      `apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: ${n}\nspec:\n  topicName: dup\n  partitions: 1\n  replicas: 1\n`;
    writeFileSync(join(dir, 'a.yaml'), yaml('a'));
    writeFileSync(join(dir, 'b.yaml'), yaml('b'));
    expect(() => loadTopicCatalog(dir)).toThrow(/topic dup is declared twice: .*a\.yaml and .*b\.yaml/);
  });
});

describe('sizing for a smaller cluster', () => {
  const topic = {
    name: 't',
    partitions: 6,
    replicas: 3,
    config: { 'min.insync.replicas': '2' },
    source: 's',
  };

  it('caps replicas and min.insync.replicas on a single broker', () => {
    expect(replicationFor(topic, 1)).toBe(1);
    expect(configFor(topic, 1)).toEqual({ 'min.insync.replicas': '1' });
  });

  it('keeps the declared values on a full cluster', () => {
    expect(replicationFor(topic, 3)).toBe(3);
    expect(configFor(topic, 3)).toEqual({ 'min.insync.replicas': '2' });
  });
});
