/**
 * The public contract as compose uses it: every topic a service names is declared as a KafkaTopic in gitops/ (the broker refuses others:
 * auto-creation is off), and every subject is one that schemas:deploy registers.
 * Convention: variables ending in _TOPIC/_TOPICS name topics, _SUBJECT/_SUBJECTS
 * subjects (comma-separated lists allowed).
 */
import { join } from 'node:path';
import { loadTopicCatalog, TOPIC_CATALOG_DIR } from '@eda/kafka/topics';
import { environmentOf, SUBJECTS_FILE, type ComposeContext } from '../compose-context';
import type { ComposeCheck } from './compose-check';

/** Each service's environment, labelled for messages. */
function environments(ctx: ComposeContext): { where: string; env: Record<string, string> }[] {
  return Object.entries(ctx.compose.services).map(([name, s]) => ({
    where: `service ${name}`,
    env: environmentOf(s),
  }));
}

/** Values of the variables whose names match `suffix`, split on commas. */
export function namesReferenced(
  ctx: ComposeContext,
  suffix: RegExp,
): { where: string; key: string; value: string }[] {
  return environments(ctx).flatMap(({ where, env }) =>
    Object.entries(env)
      .filter(([key]) => suffix.test(key))
      .flatMap(([key, list]) =>
        list
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
          .map((value) => ({ where, key, value })),
      ),
  );
}

/** Subjects that libs/events deploys. */
export function declaredSubjects(ctx: ComposeContext): Set<string> {
  const catalog = JSON.parse(ctx.readText(SUBJECTS_FILE)) as { subjects?: Record<string, unknown> };
  return new Set(Object.keys(catalog.subjects ?? {}));
}

/**
 * Folders of KafkaTopic files: the apps' catalog, and the registry's own
 * KafkaSQL topics (declared for Kubernetes; locally the registry creates them).
 */
export const TOPIC_DECLARATION_DIRS = [TOPIC_CATALOG_DIR, 'gitops/platform/schema-registry/kafkatopics'];

export const topicContractCheck: ComposeCheck = {
  name: 'topics',
  description:
    'every topic named in compose is a KafkaTopic in gitops/ (the app catalog or the registry topics)',
  run: (ctx) => {
    const topics = new Set(
      TOPIC_DECLARATION_DIRS.flatMap((d) => loadTopicCatalog(join(ctx.root, d))).map((t) => t.name),
    );
    return namesReferenced(ctx, /_TOPICS?$/)
      .filter(({ value }) => !topics.has(value))
      .map(
        ({ where, key, value }) =>
          `${where}: ${key} names topic '${value}', declared in none of ${TOPIC_DECLARATION_DIRS.join(', ')}`,
      );
  },
};

export const subjectContractCheck: ComposeCheck = {
  name: 'subjects',
  description: 'every subject named in compose is deployed from libs/events/schemas/subjects.json',
  run: (ctx) => {
    const subjects = declaredSubjects(ctx);
    return namesReferenced(ctx, /_SUBJECTS?$/)
      .filter(({ value }) => !subjects.has(value))
      .map(({ where, key, value }) => `${where}: ${key} names subject '${value}', not in ${SUBJECTS_FILE}`);
  },
};
