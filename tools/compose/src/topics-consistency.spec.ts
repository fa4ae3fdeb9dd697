/**
 * One topic catalog, two stacks: a topic added to the KafkaTopic folder is
 * created by the native stack (tools/stack/stack.sh runs create-topics.ts with
 * its default folder) and by compose's `topics` service (the same script, with
 * that folder bind-mounted at the same place in the tools image).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import {
  configFor,
  loadTopicCatalog,
  reconcileTopics,
  TOPIC_CATALOG_DIR,
  type TopicDeclaration,
} from '@eda/kafka/topics';
import { COMPOSE_FILE, composeContextFrom, STACK_SCRIPT, WORKSPACE_ROOT } from './compose-context';
import { initServiceInput } from './checks/init-service-check';

const NEW_TOPIC = `apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata:
  name: store.returns
  labels:
    strimzi.io/cluster: eda
spec:
  topicName: store.returns
  partitions: 3
  replicas: 3
  config:
    cleanup.policy: delete
    min.insync.replicas: 2
`;

/** A one-broker cluster that already holds `existing`, as declared (so only new topics change). */
function clusterWith(existing: TopicDeclaration[]): { admin: Admin; created: string[] } {
  const created: string[] = [];
  const admin = {
    describeCluster: async () => ({
      brokers: [{ nodeId: 1, host: 'kafka', port: 9092 }],
      controller: 1,
      clusterId: 'c',
    }),
    listTopics: async () => existing.map((t) => t.name),
    createTopics: async ({ topics }: { topics: { topic: string }[] }) => {
      created.push(...topics.map((t) => t.topic));
      return true;
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({
        name,
        partitions: Array.from(
          { length: existing.find((t) => t.name === name)?.partitions ?? 0 },
          (_, i) => ({ partitionId: i, replicas: [1] }),
        ),
      })),
    }),
    describeConfigs: async () => ({
      resources: existing.map((t) => ({
        resourceName: t.name,
        configEntries: Object.entries(configFor(t, 1)).map(([configName, configValue]) => ({
          configName,
          configValue,
        })),
      })),
    }),
  };
  return { admin: admin as unknown as Admin, created };
}

describe('one topic catalog for the native stack and compose', () => {
  const copy = mkdtempSync(join(tmpdir(), 'compose-topics-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('the native stack runs create-topics.ts on its default folder, the catalog', () => {
    const invocation = readFileSync(join(WORKSPACE_ROOT, STACK_SCRIPT), 'utf8')
      .split('\n')
      .find((l) => l.includes('create-topics.ts'));
    expect(invocation).toBeDefined();
    expect(invocation).not.toContain('--dir');
    expect(readFileSync(join(WORKSPACE_ROOT, 'tools/stack/create-topics.ts'), 'utf8')).toContain(
      "join(__dirname, '../..', TOPIC_CATALOG_DIR)",
    );
  });

  it('compose mounts that folder where the same default would find it in the image (WORKDIR /repo)', () => {
    const ctx = composeContextFrom(WORKSPACE_ROOT, readFileSync(join(WORKSPACE_ROOT, COMPOSE_FILE), 'utf8'));
    const args = ctx.compose.services['topics']!.command as string[];
    expect(args[args.indexOf('--dir') + 1]).toBe(`/repo/${TOPIC_CATALOG_DIR}`);
    expect(readFileSync(join(WORKSPACE_ROOT, 'Dockerfile.tools'), 'utf8')).toMatch(/^WORKDIR \/repo$/m);
  });

  it('a topic added to a copy of the folder is created by both', async () => {
    // A workspace copy: the compose file and the catalog folder, plus one new KafkaTopic.
    const catalog = join(copy, TOPIC_CATALOG_DIR);
    mkdirSync(catalog, { recursive: true });
    cpSync(join(WORKSPACE_ROOT, TOPIC_CATALOG_DIR), catalog, { recursive: true });
    const before = loadTopicCatalog(catalog);
    writeFileSync(join(catalog, 'store.returns.yaml'), NEW_TOPIC);
    const ctx = composeContextFrom(copy, readFileSync(join(WORKSPACE_ROOT, COMPOSE_FILE), 'utf8'));

    const native = loadTopicCatalog(join(copy, TOPIC_CATALOG_DIR));
    const compose = loadTopicCatalog(join(copy, initServiceInput(ctx, 'topics', '--dir')));

    expect(compose).toEqual(native);
    expect(native.map((t) => t.name)).toContain('store.returns');

    for (const topics of [native, compose]) {
      const cluster = clusterWith(before);
      const results = await reconcileTopics(cluster.admin, topics);
      expect(cluster.created).toEqual(['store.returns']);
      expect(results.find((r) => r.topic === 'store.returns')).toMatchObject({
        action: 'created',
        partitions: 3,
        replicas: 1,
      });
    }
  });
});
