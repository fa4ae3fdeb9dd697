import { Admin, ConfigResourceTypes } from 'kafkajs';
import { configFor, replicationFor, TopicDeclaration } from './topic-catalog';

/** What {@link reconcileTopics} did to one topic. */
export interface TopicReconcileResult {
  readonly topic: string;
  readonly action: 'created' | 'unchanged' | 'updated';
  readonly partitions: number;
  readonly replicas: number;
  /** Human-readable changes, e.g. `partitions 3 -> 6`. */
  readonly changes: string[];
}

/**
 * Brings a cluster in line with the catalog, the way Strimzi's topic operator
 * does for Kubernetes: creates missing topics, adds partitions, and makes each
 * topic's dynamic configs exactly the declared ones (the file is the source of
 * truth). It never deletes topics or removes partitions, which Kafka cannot do.
 */
export async function reconcileTopics(
  admin: Admin,
  catalog: TopicDeclaration[],
): Promise<TopicReconcileResult[]> {
  const { brokers } = await admin.describeCluster();
  const existing = new Set(await admin.listTopics());
  const results: TopicReconcileResult[] = [];

  const missing = catalog.filter((t) => !existing.has(t.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: replicationFor(t, brokers.length),
        configEntries: Object.entries(configFor(t, brokers.length)).map(([name, value]) => ({ name, value })),
      })),
    });
    for (const t of missing) {
      results.push({
        topic: t.name,
        action: 'created',
        partitions: t.partitions,
        replicas: replicationFor(t, brokers.length),
        changes: [],
      });
    }
  }

  const present = catalog.filter((t) => existing.has(t.name));
  if (present.length === 0) {
    return results;
  }
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name })),
  });
  for (const t of present) {
    const changes: string[] = [];
    const current = metadata.topics.find((m) => m.name === t.name);
    const partitions = current?.partitions.length ?? 0;
    if (partitions < t.partitions) {
      await admin.createPartitions({ topicPartitions: [{ topic: t.name, count: t.partitions }] });
      changes.push(`partitions ${partitions} -> ${t.partitions}`);
    }
    const actual = new Map(
      described.resources
        .find((r) => r.resourceName === t.name)
        ?.configEntries.map((e) => [e.configName, e.configValue]),
    );
    const wanted = configFor(t, brokers.length);
    const drift = Object.entries(wanted).filter(([k, v]) => actual.get(k) !== v);
    if (drift.length > 0) {
      // Incremental alteration is not in kafkajs; a full alterConfigs replaces
      // the topic's dynamic configs with exactly the declared ones.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: t.name,
            configEntries: Object.entries(wanted).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      changes.push(...drift.map(([k, v]) => `${k} ${actual.get(k) ?? '(default)'} -> ${v}`));
    }
    results.push({
      topic: t.name,
      action: changes.length > 0 ? 'updated' : 'unchanged',
      partitions: Math.max(partitions, t.partitions),
      replicas: current?.partitions[0]?.replicas.length ?? 0,
      changes,
    });
  }
  return results;
}
