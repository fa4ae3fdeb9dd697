import { ConfigResourceTypes } from 'kafkajs';
import { KafkaTestContext, uniqueName } from '@eda/testing';
import { TopicDeclaration } from './topic-catalog';
import { reconcileTopics } from './topic-reconciler';

describe('reconcileTopics against the broker', () => {
  const ctx = new KafkaTestContext('reconcile');
  const name = uniqueName('reconciled');
  const declared: TopicDeclaration = {
    name,
    partitions: 2,
    replicas: 3,
    config: { 'cleanup.policy': 'compact', 'min.insync.replicas': '2' },
    source: 'test',
  };

  afterAll(async () => {
    await ctx.admin.deleteTopics({ topics: [name] }).catch(() => undefined);
    await ctx.close();
  });

  async function topicConfig(): Promise<Record<string, string>> {
    const described = await ctx.admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy', 'min.insync.replicas'] },
      ],
    });
    return Object.fromEntries(
      described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
    );
  }

  it('creates a missing topic, sized for the single-broker stack', async () => {
    const [result] = await reconcileTopics(await ctx.connectedAdmin(), [declared]);
    expect(result).toMatchObject({ topic: name, action: 'created', partitions: 2, replicas: 1 });
    expect(await topicConfig()).toEqual({ 'cleanup.policy': 'compact', 'min.insync.replicas': '1' });
  });

  it('reports an up-to-date topic as unchanged', async () => {
    const [result] = await reconcileTopics(ctx.admin, [declared]);
    expect(result).toMatchObject({ action: 'unchanged', changes: [] });
  });

  it('adds partitions and repairs config drift', async () => {
    await ctx.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name,
          configEntries: [{ name: 'cleanup.policy', value: 'delete' }],
        },
      ],
    });
    const [result] = await reconcileTopics(ctx.admin, [{ ...declared, partitions: 4 }]);
    expect(result?.action).toBe('updated');
    expect(result?.changes).toEqual(
      expect.arrayContaining(['partitions 2 -> 4', 'cleanup.policy delete -> compact']),
    );
    const metadata = await ctx.admin.fetchTopicMetadata({ topics: [name] });
    expect(metadata.topics[0]?.partitions).toHaveLength(4);
    expect((await topicConfig())['cleanup.policy']).toBe('compact');
  });
});
