import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KafkaClientError } from '../client/kafka-errors';

/** One topic as declared by a Strimzi `KafkaTopic` resource. */
export interface TopicDeclaration {
  /** The Kafka topic name (`spec.topicName`, else `metadata.name`). */
  readonly name: string;
  readonly partitions: number;
  /** The production replication factor; a smaller cluster caps it (see {@link replicationFor}). */
  readonly replicas: number;
  /** Topic-level configs, values as strings, as the Kafka admin API takes them. */
  readonly config: Readonly<Record<string, string>>;
  /** The file that declares it, for error messages. */
  readonly source: string;
}

/** Thrown when a KafkaTopic file is malformed or the catalog contradicts itself. */
export class TopicCatalogError extends KafkaClientError {
  constructor(message: string) {
    super('EDA_KAFKA_TOPIC_CATALOG', message);
  }
}

/** Where the catalog lives, relative to the workspace root. */
export const TOPIC_CATALOG_DIR = 'gitops/platform/kafka-cluster/kafkatopics';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function positiveInt(value: unknown, field: string, source: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TopicCatalogError(
      `${source}: ${field} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Parses one KafkaTopic manifest (already loaded from YAML). Other kinds yield undefined. */
export function parseKafkaTopic(doc: unknown, source: string): TopicDeclaration | undefined {
  const resource = asRecord(doc);
  if (!resource || resource['kind'] !== 'KafkaTopic') {
    return undefined;
  }
  const metadata = asRecord(resource['metadata']) ?? {};
  const spec = asRecord(resource['spec']);
  if (!spec) {
    throw new TopicCatalogError(`${source}: KafkaTopic has no spec`);
  }
  const name = spec['topicName'] ?? metadata['name'];
  if (typeof name !== 'string' || name.length === 0) {
    throw new TopicCatalogError(`${source}: KafkaTopic needs spec.topicName or metadata.name`);
  }
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(spec['config']) ?? {})) {
    config[key] = String(value);
  }
  return {
    name,
    partitions: positiveInt(spec['partitions'], 'spec.partitions', source),
    replicas: positiveInt(spec['replicas'], 'spec.replicas', source),
    config,
    source,
  };
}

/**
 * Reads every KafkaTopic in `dir` (all `*.yaml` files, several documents per
 * file allowed). Duplicate topic names are an error, because Strimzi would
 * fight over them.
 */
export function loadTopicCatalog(dir: string): TopicDeclaration[] {
  const topics = new Map<string, TopicDeclaration>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort();
  for (const file of files) {
    const source = join(dir, file);
    for (const doc of parseAllDocuments(readFileSync(source, 'utf8'))) {
      if (doc.errors.length > 0) {
        throw new TopicCatalogError(`${source}: invalid YAML: ${doc.errors[0]?.message}`);
      }
      const topic = parseKafkaTopic(doc.toJS(), source);
      if (!topic) {
        continue;
      }
      const earlier = topics.get(topic.name);
      if (earlier) {
        throw new TopicCatalogError(`topic ${topic.name} is declared twice: ${earlier.source} and ${source}`);
      }
      topics.set(topic.name, topic);
    }
  }
  return [...topics.values()];
}

/**
 * The replication factor to use on a cluster of `brokers` brokers. A single
 * development broker cannot hold 3 replicas, so the factor is capped, and
 * `min.insync.replicas` with it (see {@link configFor}).
 */
export function replicationFor(topic: TopicDeclaration, brokers: number): number {
  return Math.min(topic.replicas, Math.max(1, brokers));
}

/** The topic config to apply on a cluster of `brokers` brokers. */
export function configFor(topic: TopicDeclaration, brokers: number): Record<string, string> {
  const config = { ...topic.config };
  const replicas = replicationFor(topic, brokers);
  const minIsr = config['min.insync.replicas'];
  if (minIsr !== undefined && Number(minIsr) > replicas) {
    config['min.insync.replicas'] = String(replicas);
  }
  return config;
}
