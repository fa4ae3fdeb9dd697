/**
 * What the generators read from, and register into, the workspace's shared
 * files: the topic catalog, the subject catalog, Kustomize resource lists.
 * Every update is "add if absent", so running a generator twice leaves the
 * files as the first run left them.
 */
import { join, posix } from 'node:path';
import type { Tree } from '@nx/devkit';
import { parse, parseDocument, isSeq } from 'yaml';

/** The topic catalog: one Strimzi KafkaTopic per file. */
export const TOPICS_DIR = 'gitops/platform/kafka-cluster/kafkatopics';
/** Avro sources, `subjects.json` and `history/`. */
export const SCHEMAS_DIR = 'libs/events/schemas';
/** Subject -> schema file and compatibility. */
export const SUBJECTS_FILE = `${SCHEMAS_DIR}/subjects.json`;
/** The KafkaUsers `npm run acl:generate` writes. */
export const KAFKA_USERS_DIR = 'gitops/platform/kafka-cluster/kafkausers';

/** One KafkaTopic of the catalog. */
export interface CatalogTopic {
  readonly file: string;
  readonly partitions: number;
  readonly compacted: boolean;
}

/** Every topic of the catalog by its Kafka name. */
export function catalogTopics(tree: Tree): Map<string, CatalogTopic> {
  const topics = new Map<string, CatalogTopic>();
  if (!tree.exists(TOPICS_DIR)) return topics;
  for (const file of tree.children(TOPICS_DIR).filter((f) => f.endsWith('.yaml'))) {
    const path = posix.join(TOPICS_DIR, file);
    const doc = parse(tree.read(path, 'utf-8') ?? '') as {
      kind?: string;
      metadata?: { name?: string };
      spec?: { topicName?: string; partitions?: number; config?: Record<string, unknown> };
    } | null;
    if (doc?.kind !== 'KafkaTopic') continue;
    const name = doc.spec?.topicName ?? doc.metadata?.name;
    if (!name) continue;
    topics.set(name, {
      file: path,
      partitions: doc.spec?.partitions ?? 1,
      compacted: String(doc.spec?.config?.['cleanup.policy'] ?? '').includes('compact'),
    });
  }
  return topics;
}

/** subjects.json as the generators use it. */
export interface SubjectCatalog {
  defaultCompatibility?: string;
  subjects: Record<string, { schema: string; compatibility?: string }>;
  [key: string]: unknown;
}

/** Reads subjects.json. */
export function readSubjects(tree: Tree): SubjectCatalog {
  return JSON.parse(tree.read(SUBJECTS_FILE, 'utf-8') ?? '{"subjects":{}}') as SubjectCatalog;
}

/** The record name carried on `topic` (TopicNameStrategy subject `<topic>-value`), if it has a schema. */
export function recordOfTopic(tree: Tree, topic: string): string | undefined {
  const entry = readSubjects(tree).subjects[`${topic}-value`];
  if (!entry) return undefined;
  const source = tree.read(posix.join(SCHEMAS_DIR, entry.schema), 'utf-8');
  const name = source ? (JSON.parse(source) as { name?: string }).name : undefined;
  return name ?? entry.schema.replace(/\.avsc$/, '');
}

/** Record names already defined by an `.avsc` file. */
export function existingRecords(tree: Tree): Set<string> {
  return new Set(
    tree
      .children(SCHEMAS_DIR)
      .filter((f) => f.endsWith('.avsc'))
      .map((f) => f.replace(/\.avsc$/, '')),
  );
}

/**
 * Adds `entry` to the `resources` list of a kustomization.yaml, keeping the
 * list sorted when it was sorted, else appending. Comments are kept.
 */
export function addKustomizationResource(tree: Tree, file: string, entry: string): void {
  const doc = parseDocument(tree.read(file, 'utf-8') ?? '');
  const resources = doc.get('resources');
  if (!isSeq(resources)) throw new Error(`${file} has no resources list`);
  const items = resources.items.map((i) => String((i as { value?: unknown }).value ?? i));
  if (items.includes(entry)) return;
  const sorted = items.every((v, i) => i === 0 || items[i - 1]!.localeCompare(v) <= 0);
  const at = sorted ? items.filter((v) => v.localeCompare(entry) < 0).length : items.length;
  resources.items.splice(at, 0, doc.createNode(entry));
  tree.write(file, doc.toString({ lineWidth: 0 }));
}

/** Inserts `block` before the first line matching `before`, or at the end; no-op when `marker` is present. */
export function insertTextBlock(
  tree: Tree,
  file: string,
  marker: RegExp,
  block: string,
  before?: RegExp,
): void {
  const text = tree.read(file, 'utf-8') ?? '';
  if (marker.test(text)) return;
  const lines = text.split('\n');
  const at = before ? lines.findIndex((l) => before.test(l)) : -1;
  if (at < 0) {
    tree.write(file, `${text.replace(/\n*$/, '\n')}${block}`);
    return;
  }
  lines.splice(at, 0, ...block.replace(/\n$/, '').split('\n'));
  tree.write(file, lines.join('\n'));
}

/** Loads a workspace TypeScript module by path at generation time (the tree's root is the workspace). */
export function requireWorkspaceModule<T>(tree: Tree, path: string): T {
  return require(join(tree.root, path)) as T;
}
