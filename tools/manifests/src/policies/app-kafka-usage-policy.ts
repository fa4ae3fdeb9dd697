/**
 * The other half of "every KafkaUser's ACLs equal what its app uses".
 * kafka-access-policy holds the KafkaUsers to access.yaml; this policy holds
 * access.yaml to the apps. For every rendered workload that authenticates to
 * Kafka it derives what the app will use from its configuration, the env the
 * chart renders, falling back to the defaults in apps/<app>/src/config, and
 * requires its principal in access.yaml to declare exactly that: a topic,
 * group or transactional id the app uses but may not touch fails at run time
 * with an authorization error, and a grant nothing uses is privilege to remove.
 * Every literal topic the app uses must also be a KafkaTopic of the same env.
 *
 * The names come from configuration only. What each setting means (which
 * variable is an input, which prefix the streams runtime derives from
 * APPLICATION_ID, how many retry topics RETRY_BACKOFF_MS implies) is the
 * app's code, mirrored once per app in APP_KAFKA_USAGE; retry-topic names come
 * from `@eda/kafka`'s RetryTopology, the code the dashboard names them with.
 */
import { RetryTopology } from '@eda/kafka';
import { describeObject, field, isObject, RenderedSet, Violation } from '../manifest';
import { ACCESS_FILE, PrincipalAccess } from './kafka-access-policy';
import { podSpecOf } from './workload-policy';

const POLICY = 'app-kafka-usage';
const PROFILES_FILE = 'tools/manifests/src/policies/app-kafka-usage-policy.ts';

/** What an app does on Kafka, in access.yaml's notation (a trailing `*` is a prefix). */
export interface KafkaUsage {
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
  readonly purges: readonly string[];
  readonly describeConfigs: readonly string[];
  readonly groups: readonly string[];
  readonly transactionalIds: readonly string[];
  /** Topics it would create at start-up. access.yaml grants no Create: topics are KafkaTopics. */
  readonly creates: readonly string[];
}

/** Reads one configuration variable; throws {@link UnknownSettingError} when it has no value. */
export type Setting = (variable: string) => string;

/** How one app's configuration turns into Kafka usage. */
export interface UsageProfile {
  readonly derive: (setting: Setting) => KafkaUsage;
}

/** A variable the profile needs is neither rendered nor defaulted in the app's config. */
export class UnknownSettingError extends Error {
  readonly retriable = false;
  constructor(readonly variable: string) {
    super(`${variable} is neither set by the chart nor defaulted in the app's src/config`);
    this.name = 'UnknownSettingError';
  }
}

const none = {
  consumes: [],
  produces: [],
  purges: [],
  describeConfigs: [],
  groups: [],
  transactionalIds: [],
  creates: [],
};

/** Backoff delays as the dashboard reads them: comma-separated, empty means no retry level. */
function delays(raw: string): number[] {
  return raw.trim() === '' ? [] : raw.split(',').map((d) => Number(d.trim()));
}

/**
 * Per app (the chart name, label app.kubernetes.io/name): what its settings
 * mean on Kafka. Mirrors each app's src/config and README configuration table.
 */
export const APP_KAFKA_USAGE: Readonly<Record<string, UsageProfile>> = {
  'store-simulator': { derive: (s) => ({ ...none, produces: [s('ITEMS_TOPIC')] }) },
  'mq-bridge': { derive: (s) => ({ ...none, produces: [s('ITEMS_TOPIC')] }) },
  'inventory-aggregator': {
    // libs/streams: group = application.id; internal topics, transactional ids
    // (exactly-once only) = `<application.id>-...`; consumed repartition records
    // are purged; existing internal topics are verified (cleanup.policy).
    // Undecodable input is written to DEAD_LETTER_TOPIC only with
    // DESERIALIZATION_ERRORS=dead-letter (the default); continue and fail write nothing.
    derive: (s) => {
      const id = s('APPLICATION_ID');
      const internal = `${id}-*`;
      const deadLetter = s('DESERIALIZATION_ERRORS') === 'dead-letter' ? [s('DEAD_LETTER_TOPIC')] : [];
      return {
        ...none,
        consumes: [s('ITEMS_TOPIC'), internal],
        produces: [
          s('ITEM_INVENTORY_TOPIC'),
          s('STORE_INVENTORY_TOPIC'),
          s('STORE_SALES_TOPIC'),
          ...deadLetter,
          internal,
        ],
        purges: [internal],
        describeConfigs: [internal],
        groups: [id],
        transactionalIds: s('PROCESSING_GUARANTEE') === 'exactly_once_v2' ? [internal] : [],
        creates: s('INTERNAL_TOPICS_CREATE') === 'true' ? [internal] : [],
      };
    },
  },
  'inventory-dashboard': {
    // Fresh groups `<id>-<host>-<start>[-alerts]` per start; inputs go through
    // retry levels to `<topic>.dlq`; alerts are written and followed. Every
    // replica also joins the shared ALERTS_GROUP_ID (alert ownership per
    // store.inventory partition): covered by the `<id>-*` prefix when it
    // starts with it, else a group of its own.
    derive: (s) => {
      const retry = RetryTopology.of(s('DASHBOARD_APPLICATION_ID'), delays(s('RETRY_BACKOFF_MS')));
      const inputs = [s('ITEM_INVENTORY_TOPIC'), s('STORE_INVENTORY_TOPIC'), s('STORE_SALES_TOPIC')];
      const retries = inputs.flatMap((t) => retry.retryTopics(t));
      const alerts = s('ALERTS_TOPIC');
      const alerting = s('ALERTS_GROUP_ID');
      return {
        ...none,
        consumes: [...inputs, alerts, ...retries],
        produces: [alerts, ...inputs.map((t) => retry.deadLetterTopic(t)), ...retries],
        groups: [`${retry.consumer}-*`, ...(alerting.startsWith(`${retry.consumer}-`) ? [] : [alerting])],
      };
    },
  },
};

/** Plain `value` env vars of the workload's containers (valueFrom ones are secrets, not names). */
function renderedEnv(container: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  const list = field(container, 'env');
  for (const e of Array.isArray(list) ? list : []) {
    if (isObject(e) && typeof e['name'] === 'string' && typeof e['value'] === 'string')
      env[e['name']] = e['value'];
  }
  return env;
}

/** Variables that name topics (the compose contract's convention: `_TOPIC`, `_TOPICS`). */
const TOPIC_VARIABLE = /_TOPICS?$/;

const CATEGORIES = [
  'consumes',
  'produces',
  'purges',
  'describeConfigs',
  'groups',
  'transactionalIds',
] as const;

/** Declared-vs-used differences, one message per category that differs. */
export function compareUsage(used: KafkaUsage, declared: PrincipalAccess): string[] {
  const messages: string[] = [];
  for (const c of CATEGORIES) {
    const u = new Set(used[c]);
    const d = new Set(declared[c]);
    const missing = [...u].filter((x) => !d.has(x)).sort();
    const unused = [...d].filter((x) => !u.has(x)).sort();
    if (missing.length)
      messages.push(`uses ${c} [${missing.join(', ')}], which ${ACCESS_FILE} does not declare for it`);
    if (unused.length)
      messages.push(
        `is granted ${c} [${unused.join(', ')}] in ${ACCESS_FILE}, which its configuration never uses`,
      );
  }
  if (used.creates.length)
    messages.push(
      `would create topics [${used.creates.join(', ')}] at start-up; topics are KafkaTopics in gitops/ and no app has Create: ` +
        `turn creation off (e.g. INTERNAL_TOPICS_CREATE=false)`,
    );
  return messages;
}

/** KafkaTopic names per env; chart scenarios (no env) see every env's topics. */
function declaredTopics(sets: readonly RenderedSet[]): (env: string | undefined) => Set<string> {
  const byEnv = new Map<string, Set<string>>();
  const all = new Set<string>();
  for (const set of sets) {
    for (const o of set.objects.filter((x) => x.kind === 'KafkaTopic')) {
      const name = String(field(o, 'spec', 'topicName') ?? o.metadata.name);
      all.add(name);
      if (set.env) byEnv.set(set.env, (byEnv.get(set.env) ?? new Set()).add(name));
    }
  }
  return (env) => (env ? (byEnv.get(env) ?? new Set()) : all);
}

/** Where the checked workloads come from, and how to read an app's configuration. */
export interface UsageCheckInput {
  readonly declared: readonly PrincipalAccess[];
  readonly sets: readonly RenderedSet[];
  /** Literal defaults of the app's config (`appConfigDefaults` of ../app-config). */
  readonly defaultsOf: (app: string) => Record<string, string>;
  /** Variables the app's config reads, or undefined when it has none yet (`appConfigVariables`). */
  readonly variablesOf?: (app: string) => ReadonlySet<string> | undefined;
  readonly profiles?: Readonly<Record<string, UsageProfile>>;
}

type Push = (message: string) => void;

/** Any workload: a variable named like a topic list must name topics declared for its env. */
function checkTopicVariables(
  env: Record<string, string>,
  topics: Set<string>,
  where: string,
  push: Push,
): void {
  for (const [variable, value] of Object.entries(env).filter(([k]) => TOPIC_VARIABLE.test(k))) {
    for (const t of value.split(',').map((x) => x.trim()))
      if (t && !topics.has(t)) push(`${variable} names topic "${t}", which no KafkaTopic${where} declares`);
  }
}

/**
 * Derives an app's usage from its rendered env and config defaults. Every
 * variable the profile reads must be one the app's config reads, or the chart
 * would set (and this policy would trust) a value the app ignores.
 */
function deriveUsage(
  profile: UsageProfile,
  env: Record<string, string>,
  defaults: Record<string, string>,
  known: ReadonlySet<string> | undefined,
  push: Push,
): KafkaUsage | undefined {
  const read = new Set<string>();
  try {
    const used = profile.derive((v) => {
      read.add(v);
      const value = env[v] ?? defaults[v];
      if (value === undefined) throw new UnknownSettingError(v);
      return value;
    });
    const ignored = known ? [...read].filter((v) => !known.has(v)) : [];
    if (ignored.length) {
      push(
        `its Kafka usage profile reads [${ignored.join(', ')}], which the app's src/config never reads: ` +
          `the app renamed it? Update the chart's env and APP_KAFKA_USAGE`,
      );
      return undefined;
    }
    return used;
  } catch (e) {
    push(`cannot derive its Kafka usage: ${(e as Error).message}`);
    return undefined;
  }
}

/** Checks every Kafka-authenticating workload against its principal's declaration. */
export function checkAppKafkaUsage(input: UsageCheckInput): Violation[] {
  const { declared, sets, defaultsOf, variablesOf = () => undefined, profiles = APP_KAFKA_USAGE } = input;
  const byName = new Map(declared.map((p) => [p.name, p]));
  const topicsOf = declaredTopics(sets);
  const violations: Violation[] = [];
  for (const set of sets) {
    const topics = topicsOf(set.env);
    const where = set.env ? ` of ${set.env}` : '';
    for (const obj of set.objects) {
      const push: Push = (message) =>
        violations.push({ policy: POLICY, source: set.source, object: describeObject(obj), message });
      for (const container of (podSpecOf(obj)?.['containers'] as unknown[] | undefined) ?? []) {
        const env = renderedEnv(container);
        checkTopicVariables(env, topics, where, push);
        const principal = env['KAFKA_SASL_USERNAME'];
        if (!principal) continue;
        const app = obj.metadata.labels?.['app.kubernetes.io/name'] ?? obj.metadata.name ?? '';
        const profile = profiles[app];
        const p = byName.get(principal);
        if (!profile) {
          push(`app "${app}" has no Kafka usage profile: add one to APP_KAFKA_USAGE (${PROFILES_FILE})`);
          continue;
        }
        if (!p) continue; // kafka-access-policy reports undeclared principals
        const used = deriveUsage(profile, env, defaultsOf(app), variablesOf(app), push);
        if (!used) continue;
        compareUsage(used, p).forEach((m) => push(`(principal ${principal}) ${m}`));
        const literal = new Set([...used.consumes, ...used.produces].filter((t) => !t.endsWith('*')));
        for (const t of [...literal].filter((x) => !topics.has(x)).sort())
          push(`uses topic "${t}", which no KafkaTopic${where} declares`);
      }
    }
  }
  return violations;
}
