import { ConfigResourceTypes } from 'kafkajs';
import { KafkaTestContext, uniqueName, waitFor } from '@eda/testing';
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
    // A config change reaches the broker's view after the controller committed it (KRaft metadata
    // log), so a describe right after the alter may still show the old value: wait for the drift
    // to be visible before reconciling, and for the repair to be visible after it (a rehearsal
    // under load read 'delete' right after the reconciler had set 'compact').
    await waitFor('the drift to be visible', async () =>
      (await topicConfig())['cleanup.policy'] === 'delete' ? true : undefined,
    );
    const [result] = await reconcileTopics(ctx.admin, [{ ...declared, partitions: 4 }]);
    expect(result?.action).toBe('updated');
    expect(result?.changes).toEqual(
      expect.arrayContaining(['partitions 2 -> 4', 'cleanup.policy delete -> compact']),
    );
    await waitFor('4 partitions and cleanup.policy compact', async () => {
      const metadata = await ctx.admin.fetchTopicMetadata({ topics: [name] });
      const config = await topicConfig();
      return metadata.topics[0]?.partitions.length === 4 && config['cleanup.policy'] === 'compact'
        ? true
        : undefined;
    });
  });
});
