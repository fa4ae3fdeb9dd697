/**
 * `nx g @eda/plugin:topic <name>`: one Strimzi KafkaTopic file in the topic
 * catalog and its line in the catalog's kustomization. The native stack and
 * compose create topics from these files; Argo CD applies them (sync wave 10).
 *
 * Running it again for a topic it created changes nothing; a topic the catalog
 * already declares differently is refused.
 */
import { formatFiles, type Tree } from '@nx/devkit';
import { addKustomizationResource, catalogTopics, TOPICS_DIR } from '../catalog';
import { assertTopicName, GeneratorOptionError } from '../naming';
import type { TopicGeneratorSchema } from './schema';

const WEEK_MS = 604_800_000;

/** The KafkaTopic file's text for `options`. */
export function kafkaTopicYaml(options: TopicGeneratorSchema): string {
  const partitions = options.partitions ?? 6;
  const config = options.compact
    ? ['cleanup.policy: compact', 'min.compaction.lag.ms: 60000', 'min.insync.replicas: 2']
    : [`retention.ms: ${options.retentionMs ?? WEEK_MS}`, 'min.insync.replicas: 2', 'cleanup.policy: delete'];
  const description =
    options.description ??
    `${options.name}: ${options.compact ? 'compacted, latest value per key' : 'events'}.`;
  return [
    `# ${description}`,
    'apiVersion: kafka.strimzi.io/v1',
    'kind: KafkaTopic',
    'metadata:',
    `  name: ${options.name}`,
    '  labels:',
    '    strimzi.io/cluster: eda',
    '    app.kubernetes.io/part-of: eda-inventory',
    'spec:',
    `  topicName: ${options.name}`,
    `  partitions: ${partitions}`,
    '  replicas: 3',
    '  config:',
    ...config.map((c) => `    ${c}`),
    '',
  ].join('\n');
}

/** Validates `options` against the tree; throws before anything is written. */
export function checkTopic(tree: Tree, options: TopicGeneratorSchema): 'new' | 'unchanged' {
  assertTopicName(options.name, options.internal);
  if (options.partitions !== undefined && (!Number.isInteger(options.partitions) || options.partitions < 1)) {
    throw new GeneratorOptionError(`--partitions must be a positive integer, got ${options.partitions}.`);
  }
  const file = `${TOPICS_DIR}/${options.name}.yaml`;
  const existing = catalogTopics(tree).get(options.name);
  if (!existing) {
    if (tree.exists(file)) throw new GeneratorOptionError(`${file} exists but declares another topic.`);
    return 'new';
  }
  if (existing.file === file && tree.read(file, 'utf-8') === kafkaTopicYaml(options)) return 'unchanged';
  throw new GeneratorOptionError(
    `Topic "${options.name}" is already in the catalog (${existing.file}), declared differently; ` +
      'edit that file instead.',
  );
}

/** Writes the KafkaTopic and registers it; `checkTopic` must have passed. */
export function writeTopic(tree: Tree, options: TopicGeneratorSchema): void {
  const file = `${TOPICS_DIR}/${options.name}.yaml`;
  if (!tree.exists(file)) tree.write(file, kafkaTopicYaml(options));
  addKustomizationResource(tree, `${TOPICS_DIR}/kustomization.yaml`, `${options.name}.yaml`);
}

/** The generator. */
export async function topicGenerator(tree: Tree, options: TopicGeneratorSchema): Promise<void> {
  checkTopic(tree, options);
  writeTopic(tree, options);
  await formatFiles(tree);
}

export default topicGenerator;
