/**
 * What one principal does on Kafka, as data: the topics it consumes and
 * produces, the groups it joins, its transactional ids. Each app builds its
 * declaration from its own validated settings (`apps/<app>/src/config/kafka-access.ts`),
 * so the names are the ones its code uses; `npm run acl:generate` turns every
 * declaration into the Strimzi KafkaUser ACLs and `access.yaml`, and the
 * secure native stack applies those same ACLs (tools/stack).
 *
 * A name ending in `*` is a prefix. Each category maps to fixed operations
 * ({@link CATEGORY_OPERATIONS}); {@link aclsOf} lists them explicitly.
 */
import { KafkaClientError } from '../client/kafka-errors';

/** Kafka ACL operations, spelled as Strimzi and the Kafka CLI spell them. */
export const ACL_OPERATIONS = [
  'Read',
  'Write',
  'Describe',
  'DescribeConfigs',
  'Create',
  'Delete',
  'Alter',
  'AlterConfigs',
  'IdempotentWrite',
] as const;
/** One of {@link ACL_OPERATIONS}. */
export type AclOperation = (typeof ACL_OPERATIONS)[number];

/** Resource types a declaration can name. */
export type AclResourceType = 'topic' | 'group' | 'transactionalId';

/** One principal's use of Kafka. */
export interface KafkaAccess {
  /** The principal (KafkaUser name, SASL user name). */
  readonly principal: string;
  /** One paragraph: what the principal is and why it needs this access. */
  readonly description: string;
  /** Topics it reads (Read, Describe). */
  readonly consumes: readonly string[];
  /** Topics it writes (Write, Describe). */
  readonly produces: readonly string[];
  /** Topics whose consumed records it deletes (Delete: DeleteRecords, e.g. repartition purging). */
  readonly purges: readonly string[];
  /** Topics whose configuration it reads (DescribeConfigs). */
  readonly describeConfigs: readonly string[];
  /** Consumer groups it joins or commits in (Read). */
  readonly groups: readonly string[];
  /** Transactional ids it uses (Write, Describe). */
  readonly transactionalIds: readonly string[];
  /**
   * Topics it would create at start-up with the given settings. No principal
   * is granted Create: topics are KafkaTopics, so a deployment must turn
   * creation off (the manifest policy checks the rendered env).
   */
  readonly creates: readonly string[];
  /** Where it dead-letters records (DLQ -> original topic): what the DLQ replayer reads and writes back. */
  readonly deadLetters: readonly DeadLetterRoute[];
}

/** A dead-letter topic and the topic its records came from. */
export interface DeadLetterRoute {
  readonly deadLetterTopic: string;
  readonly originalTopic: string;
}

/** The categories that become ACLs. */
export const ACL_CATEGORIES = [
  'consumes',
  'produces',
  'purges',
  'describeConfigs',
  'groups',
  'transactionalIds',
] as const;
/** One of {@link ACL_CATEGORIES}. */
export type AclCategory = (typeof ACL_CATEGORIES)[number];

/** Resource type and operations each category grants. */
export const CATEGORY_OPERATIONS: Readonly<
  Record<AclCategory, { readonly type: AclResourceType; readonly operations: readonly AclOperation[] }>
> = {
  consumes: { type: 'topic', operations: ['Read', 'Describe'] },
  produces: { type: 'topic', operations: ['Write', 'Describe'] },
  purges: { type: 'topic', operations: ['Delete'] },
  describeConfigs: { type: 'topic', operations: ['DescribeConfigs'] },
  groups: { type: 'group', operations: ['Read'] },
  transactionalIds: { type: 'transactionalId', operations: ['Write', 'Describe'] },
};

/** One ACL rule: a resource (literal or prefix) and the operations allowed on it. */
export interface AclRule {
  readonly resource: {
    readonly type: AclResourceType;
    readonly name: string;
    readonly patternType: 'literal' | 'prefix';
  };
  readonly operations: readonly AclOperation[];
}

/** A declaration that cannot become ACLs (empty principal, bad name). */
export class KafkaAccessDeclarationError extends KafkaClientError {
  constructor(
    readonly principal: string,
    detail: string,
  ) {
    super('EDA_KAFKA_ACCESS_DECLARATION', `Kafka access of "${principal}": ${detail}`);
  }
}

const NAME = /^[A-Za-z0-9._-]+\*?$/;

/** A declaration with every category present (empty when not given), checked. */
export function kafkaAccess(
  access: Pick<KafkaAccess, 'principal' | 'description'> & Partial<KafkaAccess>,
): KafkaAccess {
  const full: KafkaAccess = {
    consumes: [],
    produces: [],
    purges: [],
    describeConfigs: [],
    groups: [],
    transactionalIds: [],
    creates: [],
    deadLetters: [],
    ...access,
  };
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(full.principal))
    throw new KafkaAccessDeclarationError(full.principal, 'the principal must be a KafkaUser name');
  for (const c of [...ACL_CATEGORIES, 'creates'] as const) {
    for (const n of full[c]) {
      if (!NAME.test(n))
        throw new KafkaAccessDeclarationError(full.principal, `${c} has "${n}", not a Kafka name or prefix`);
    }
  }
  return full;
}

/** Sorted unique names; the declarations list what the code uses, the ACLs need each once. */
function unique(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}

/**
 * The ACL rules of a declaration: one rule per resource, its operations
 * merged across categories, in a stable order (topics, groups, transactional
 * ids; literal names before prefixes; alphabetical).
 */
export function aclsOf(access: KafkaAccess): AclRule[] {
  const byResource = new Map<string, { rule: AclRule['resource']; ops: Set<AclOperation> }>();
  for (const c of ACL_CATEGORIES) {
    const { type, operations } = CATEGORY_OPERATIONS[c];
    for (const declared of unique(access[c])) {
      const prefix = declared.endsWith('*');
      const name = prefix ? declared.slice(0, -1) : declared;
      const patternType = prefix ? 'prefix' : 'literal';
      const key = `${type}:${patternType}:${name}`;
      const entry = byResource.get(key) ?? { rule: { type, name, patternType }, ops: new Set() };
      operations.forEach((o) => entry.ops.add(o));
      byResource.set(key, entry);
    }
  }
  const typeOrder: AclResourceType[] = ['topic', 'group', 'transactionalId'];
  return [...byResource.values()]
    .map(({ rule, ops }) => ({
      resource: rule,
      operations: ACL_OPERATIONS.filter((o) => ops.has(o)),
    }))
    .sort(
      (a, b) =>
        typeOrder.indexOf(a.resource.type) - typeOrder.indexOf(b.resource.type) ||
        a.resource.patternType.localeCompare(b.resource.patternType) ||
        a.resource.name.localeCompare(b.resource.name),
    );
}

/**
 * The DLQ replayer's access for a set of dead-letter routes: it reads each
 * DLQ with a throw-away group under `groupPrefix` and writes the records back
 * to their original topics.
 */
export function deadLetterReplayAccess(
  principal: string,
  description: string,
  groupPrefix: string,
  routes: readonly DeadLetterRoute[],
): KafkaAccess {
  return kafkaAccess({
    principal,
    description,
    consumes: unique(routes.map((r) => r.deadLetterTopic)),
    produces: unique(routes.map((r) => r.originalTopic)),
    groups: [`${groupPrefix}-*`],
  });
}
