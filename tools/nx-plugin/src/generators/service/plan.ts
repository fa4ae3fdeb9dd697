/**
 * Everything `nx g @eda/plugin:service` will write, decided and checked
 * before the first write: the names, the port, which topics and schemas are
 * new, and every reason to refuse (a clashing name, a topic-name rule broken,
 * a produced topic that already carries someone else's records).
 */
import { getProjects, type Tree } from '@nx/devkit';
import { catalogTopics, KAFKA_USERS_DIR, recordOfTopic, TOPICS_DIR } from '../catalog';
import { checkEvent, recordName } from '../event/generator';
import type { EventGeneratorSchema } from '../event/schema';
import {
  assertServiceName,
  assertTopicName,
  constantCase,
  GeneratorOptionError,
  pascalCase,
  topicList,
  topicNames,
  type TopicNames,
} from '../naming';
import { checkTopic } from '../topic/generator';
import type { TopicGeneratorSchema } from '../topic/schema';
import type { ServiceGeneratorSchema } from './schema';

/** Marks an app this generator wrote (apps/<name>/package.json `eda.generator`). */
export const GENERATOR_MARK = '@eda/plugin:service';
/** The first port a generated service may take (the reference apps use 3000-3003). */
const FIRST_PORT = 3010;

/** The decided generation. */
export interface ServicePlan {
  readonly name: string;
  readonly kind: ServiceGeneratorSchema['kind'];
  readonly scope: string;
  readonly port: number;
  readonly description: string;
  readonly inputs: TopicNames[];
  readonly outputs: TopicNames[];
  /** The processor's dead-letter topic. */
  readonly dlqTopic: string;
  readonly stores: { readonly counts: string };
  /** Schemas to add (new topics). */
  readonly events: EventGeneratorSchema[];
  /** KafkaTopics to add (new topics, DLQs, retry and changelog topics). */
  readonly topics: TopicGeneratorSchema[];
  /** True when the app exists from an earlier run: only what is missing is added. */
  readonly rerun: boolean;
}

const DESCRIPTIONS = {
  producer: 'Publishes Avro events to Kafka through an idempotent producer.',
  consumer: 'Consumes Avro events from Kafka with retries, a dead-letter topic and coalesced commits.',
  processor: 'Stateful stream processor (libs/streams, exactly-once) with interactive queries.',
} as const;

/** Decides and checks the whole generation; throws {@link GeneratorOptionError} before anything is written. */
export function planService(tree: Tree, options: ServiceGeneratorSchema): ServicePlan {
  const name = options.name;
  assertServiceName(name);
  if (!['producer', 'consumer', 'processor'].includes(options.kind)) {
    throw new GeneratorOptionError(`--kind must be producer, consumer or processor, got "${options.kind}".`);
  }
  const kind = options.kind;
  const consumes = topicList(options.consumes);
  const produces = topicList(options.produces);
  for (const t of [...consumes, ...produces]) assertTopicName(t);
  if (kind !== 'producer' && consumes.length === 0)
    throw new GeneratorOptionError(`A ${kind} needs --consumes <topic,...>.`);
  if (kind !== 'consumer' && produces.length === 0)
    throw new GeneratorOptionError(`A ${kind} needs --produces <topic,...>.`);
  if (kind === 'producer' && consumes.length > 0)
    throw new GeneratorOptionError('A producer consumes nothing: drop --consumes, or use --kind processor.');
  if (kind === 'consumer' && produces.length > 0)
    throw new GeneratorOptionError('A consumer produces nothing: drop --produces, or use --kind processor.');
  const both = consumes.filter((t) => produces.includes(t));
  if (both.length) throw new GeneratorOptionError(`Topic "${both[0]}" is both consumed and produced.`);

  const rerun = checkClash(tree, name, kind);
  const catalog = catalogTopics(tree);
  const events: EventGeneratorSchema[] = [];
  const topics: TopicGeneratorSchema[] = [];
  const schemaFor = (topic: string, shape: 'event' | 'total'): string => {
    const existing = recordOfTopic(tree, topic);
    if (existing) return existing;
    const event: EventGeneratorSchema = { topic, shape, record: pascalCase(topic) };
    events.push(event);
    return recordName(event);
  };
  const newTopic = (topic: TopicGeneratorSchema) => {
    if (!catalog.has(topic.name)) topics.push(topic);
  };

  for (const t of produces) {
    if (!rerun && (catalog.has(t) || recordOfTopic(tree, t))) {
      throw new GeneratorOptionError(
        `Produced topic "${t}" already exists (${catalog.get(t)?.file ?? 'its subject is registered'}): ` +
          'a generated service writes new topics of its own records. Pick a new topic name.',
      );
    }
  }
  const inputs = consumes.map((t) => {
    if (catalog.has(t) && !recordOfTopic(tree, t)) {
      throw new GeneratorOptionError(
        `Consumed topic "${t}" has no Avro subject "${t}-value" to decode it with.`,
      );
    }
    newTopic({ name: t, description: `${t}: ${pascalCase(t)} events (generated for ${name}).` });
    return topicNames(t, schemaFor(t, 'event'));
  });
  const outputs = produces.map((t) => {
    const compact = kind === 'processor';
    newTopic({
      name: t,
      compact,
      description: compact
        ? `${t}: totals per key from ${name}, compacted (latest value per key).`
        : `${t}: events published by ${name}.`,
    });
    return topicNames(t, schemaFor(t, kind === 'processor' ? 'total' : 'event'));
  });

  const stores = { counts: 'counts' };
  const dlqTopic = `${name}.dlq`;
  const inputPartitions = Math.max(1, ...consumes.map((t) => catalog.get(t)?.partitions ?? 6));
  if (kind === 'processor') {
    newTopic({
      name: dlqTopic,
      internal: true,
      partitions: 1,
      retentionMs: 1_209_600_000,
      description: `Dead letters of ${name}: undecodable input, original key and bytes; headers carry its context.`,
    });
    newTopic({
      name: `${name}-${stores.counts}-changelog`,
      internal: true,
      compact: true,
      partitions: inputPartitions,
      description: `Changelog of the ${stores.counts} store of ${name} (key -> count; JSON). Internal to libs/streams; partitions follow its input.`,
    });
  }
  if (kind === 'consumer') {
    for (const t of consumes) {
      for (const n of [1, 2]) {
        newTopic({
          name: `${name}.${t}.retry.${n}`,
          internal: true,
          partitions: catalog.get(t)?.partitions ?? 6,
          retentionMs: 604_800_000,
          description: `Retry ${n} of ${name} for ${t}: records whose handling failed, due again after the backoff.`,
        });
      }
      newTopic({
        name: `${t}.dlq`,
        internal: true,
        partitions: 1,
        retentionMs: 1_209_600_000,
        description: `Dead letters of ${t}: original key and bytes; headers carry the failure context.`,
      });
    }
  }

  for (const e of events) checkEvent(tree, e);
  for (const t of topics) checkTopic(tree, t);
  return {
    name,
    kind,
    scope: options.scope ?? 'inventory',
    port: options.port ?? portOf(tree, name),
    description: options.description ?? DESCRIPTIONS[kind],
    inputs,
    outputs,
    dlqTopic,
    stores,
    events,
    topics,
    rerun,
  };
}

/** Refuses a name already taken by something else; true when it is this generator's own earlier run. */
function checkClash(tree: Tree, name: string, kind: string): boolean {
  const packageFile = `apps/${name}/package.json`;
  if (tree.exists(packageFile)) {
    const mark = (
      JSON.parse(tree.read(packageFile, 'utf-8') ?? '{}') as { eda?: { generator?: string; kind?: string } }
    ).eda;
    if (mark?.generator !== GENERATOR_MARK) {
      throw new GeneratorOptionError(
        `apps/${name} exists and was not generated by ${GENERATOR_MARK}; choose another name.`,
      );
    }
    if (mark.kind !== kind) {
      throw new GeneratorOptionError(`apps/${name} was generated as a ${mark.kind}, not a ${kind}.`);
    }
    return true;
  }
  const taken = [
    `apps/${name}`,
    `charts/${name}`,
    `gitops/apps/${name}`,
    `${KAFKA_USERS_DIR}/${name}.yaml`,
    `libs/${name}`,
    `tools/${name}`,
  ].find((p) => tree.exists(p));
  if (taken) throw new GeneratorOptionError(`The name "${name}" is taken: ${taken} exists.`);
  const project = [...getProjects(tree).keys()].find((p) => p === `@eda/${name}` || p === name);
  if (project) throw new GeneratorOptionError(`The name "${name}" is taken by the project ${project}.`);
  if (new RegExp(`^  ${name}:$`, 'm').test(tree.read('docker-compose.yml', 'utf-8') ?? '')) {
    throw new GeneratorOptionError(`The name "${name}" is taken by a service in docker-compose.yml.`);
  }
  if (tree.exists(`${TOPICS_DIR}/${name}.dlq.yaml`)) {
    throw new GeneratorOptionError(`The name "${name}" is taken: ${TOPICS_DIR}/${name}.dlq.yaml exists.`);
  }
  return false;
}

/** The app's port: kept from an earlier run, else the first one no chart uses from {@link FIRST_PORT}. */
function portOf(tree: Tree, name: string): number {
  const config = tree.read(`apps/${name}/src/config/app.config.ts`, 'utf-8');
  const kept = config && /integer\(env, 'PORT', (\d+)/.exec(config);
  if (kept) return Number(kept[1]);
  const used = new Set<number>();
  for (const chart of tree.exists('charts') ? tree.children('charts') : []) {
    const values = tree.read(`charts/${chart}/values.yaml`, 'utf-8') ?? '';
    const port = /^containerPort: (\d+)/m.exec(values);
    if (port) used.add(Number(port[1]));
  }
  let port = FIRST_PORT;
  while (used.has(port)) port += 1;
  return port;
}

/** `orders` -> `ORDERS`, for error codes and compose variables. */
export const constantName = (name: string): string => constantCase(name);
