import { Admin, ConfigResourceTypes } from 'kafkajs';
import {
  CoPartitioningError,
  DeadLetterTopicError,
  InternalTopicError,
  StreamsConfigError,
} from '../../errors';
import { SubtopologyDef } from '../../processor/internals/topology-layout';
import { changelogTopicName } from '../../processor/topology';

/** A topic the runtime owns: a repartition or changelog topic. */
export interface InternalTopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}

/** Partition counts per sub-topology, and the internal topics they need. */
export interface TopicPlan {
  /** Tasks per sub-topology = partitions of its (co-partitioned) source topics. */
  readonly partitionsBySubtopology: ReadonlyMap<number, number>;
  readonly internalTopics: InternalTopicSpec[];
}

/**
 * Repartition topics keep data until the application has consumed it;
 * Kafka Streams sets infinite retention and purges consumed records itself
 * (we purge after commits, see TaskManager).
 */
const REPARTITION_CONFIG = { 'cleanup.policy': 'delete', 'retention.ms': '-1' };

/**
 * Works out every sub-topology's partition count from the user topics'
 * metadata, then sizes repartition topics after the sub-topology writing
 * them (Kafka Streams' rule: as many partitions as the writer's input) and
 * changelogs after their task count. Fails fast when a sub-topology's source
 * topics differ in partition count: one task must read partition N of each.
 */
export async function planTopics(
  admin: Admin,
  subtopologies: SubtopologyDef[],
  applicationId: string,
): Promise<TopicPlan> {
  const internal = new Set(subtopologies.flatMap((s) => s.internalSourceTopics));
  const external = [...new Set(subtopologies.flatMap((s) => s.sourceTopics))].filter((t) => !internal.has(t));
  const known = new Map<string, number>();
  const existing = new Set(await admin.listTopics());
  const missing = external.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    throw new InternalTopicError(
      `Source topics do not exist: ${missing.join(', ')}. Create them before starting the application.`,
    );
  }
  const { topics } = await admin.fetchTopicMetadata({ topics: external });
  for (const t of topics) known.set(t.name, t.partitions.length);

  const bySub = new Map<number, number>();
  for (let progress = true; progress;) {
    progress = false;
    for (const sub of subtopologies) {
      if (bySub.has(sub.id) || !sub.sourceTopics.every((t) => known.has(t))) continue;
      bySub.set(sub.id, checkCoPartitioned(sub, known));
      for (const sink of sub.sinkTopics)
        if (internal.has(sink)) known.set(sink, Math.max(known.get(sink) ?? 0, bySub.get(sub.id) as number));
      progress = true;
    }
  }
  const specs: InternalTopicSpec[] = [...internal].map((name) => ({
    name,
    partitions: known.get(name) ?? 1,
    config: REPARTITION_CONFIG,
  }));
  for (const sub of subtopologies) {
    for (const { builder } of sub.stores) {
      if (!builder.loggingEnabled) continue;
      specs.push({
        name: changelogTopicName(applicationId, builder.name),
        partitions: bySub.get(sub.id) ?? 1,
        config: builder.changelogConfig,
      });
    }
  }
  return { partitionsBySubtopology: bySub, internalTopics: specs };
}

function checkCoPartitioned(sub: SubtopologyDef, known: Map<string, number>): number {
  const counts = sub.sourceTopics.map((t) => `${t}=${known.get(t)}`);
  const distinct = new Set(sub.sourceTopics.map((t) => known.get(t)));
  if (distinct.size > 1) {
    throw new CoPartitioningError(
      `Topics read by sub-topology ${sub.id} must be co-partitioned (same partition count) but have ${counts.join(', ')}. ` +
        `Repartition one side (for example selectKey before the join) or recreate the topics with equal partitions.`,
    );
  }
  return [...distinct][0] as number;
}

/**
 * Creates missing internal topics, or with `create=false` (topics managed as
 * Strimzi KafkaTopic resources) only checks them; in both cases an existing
 * topic with the wrong partition count or cleanup policy is an error that
 * names the fix.
 */
export async function ensureInternalTopics(
  admin: Admin,
  specs: InternalTopicSpec[],
  create: boolean,
  replicationFactor: number,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0 && !create) {
    throw new InternalTopicError(
      `Internal topics are missing and 'internal.topics.create' is false: ${missing.map(describeSpec).join('; ')}. ` +
        `Declare them (e.g. as KafkaTopic resources) with these settings.`,
    );
  }
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        replicationFactor,
        configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  await verifyTopics(
    admin,
    specs.filter((s) => existing.has(s.name)),
  );
}

async function verifyTopics(admin: Admin, specs: InternalTopicSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((s) => ({
      type: ConfigResourceTypes.TOPIC,
      name: s.name,
      configNames: ['cleanup.policy'],
    })),
  });
  const problems: string[] = [];
  for (const spec of specs) {
    const partitions = topics.find((t) => t.name === spec.name)?.partitions.length;
    if (partitions !== spec.partitions)
      problems.push(`${spec.name} has ${partitions} partitions, needs ${spec.partitions}`);
    const policy = described.resources
      .find((r) => r.resourceName === spec.name)
      ?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue;
    const wanted = spec.config['cleanup.policy'];
    if (wanted?.includes('compact') && !policy?.includes('compact')) {
      problems.push(`${spec.name} has cleanup.policy=${policy}, needs ${wanted}`);
    }
  }
  if (problems.length > 0) {
    throw new InternalTopicError(
      `Internal topics are misconfigured: ${problems.join('; ')}. Fix or recreate them.`,
    );
  }
}

function describeSpec(s: InternalTopicSpec): string {
  const config = Object.entries(s.config)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${s.name} (partitions=${s.partitions}, ${config})`;
}

/**
 * Checks the dead-letter topic before the group is joined: it must exist (a
 * user topic, never created here, whatever `internal.topics.create` says), and
 * must not be one the topology reads, or a poison record would come back to
 * the task that dead-lettered it.
 */
export async function verifyDeadLetterTopic(
  admin: Admin,
  topic: string,
  subtopologies: SubtopologyDef[],
): Promise<void> {
  if (subtopologies.some((s) => s.sourceTopics.includes(topic))) {
    throw new StreamsConfigError(
      `'errors.dead.letter.queue.topic.name' is '${topic}', which the topology reads. Use a topic of its own.`,
    );
  }
  if (!(await admin.listTopics()).includes(topic)) throw new DeadLetterTopicError(topic);
}
