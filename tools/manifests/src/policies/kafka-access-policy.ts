/**
 * The declared Kafka access (gitops/platform/kafka-cluster/access.yaml,
 * generated with the KafkaUsers from the apps' declarations by
 * `npm run acl:generate`): each KafkaUser every env renders must grant exactly
 * the ACLs derived from it, nothing missing and nothing extra (an overlay may
 * not patch ACLs), and every topic named there must be declared as a KafkaTopic.
 */
import type { KafkaAccess } from '@eda/kafka';
import { parse } from 'yaml';
import { describeObject, field, isObject, K8sObject, RenderedSet, Violation } from '../manifest';

const POLICY = 'kafka-access';

/** Where the declaration lives, relative to the repo root. */
export const ACCESS_FILE = 'gitops/platform/kafka-cluster/access.yaml';

/**
 * One principal's declared use of Kafka, as access.yaml holds it: the ACL
 * fields of the apps' {@link KafkaAccess} declarations, under the principal's
 * name. A name ending in `*` is a prefix.
 */
export type PrincipalAccess = { readonly name: string } & Pick<
  KafkaAccess,
  'consumes' | 'produces' | 'purges' | 'describeConfigs' | 'groups' | 'transactionalIds'
>;

/** Thrown when access.yaml is malformed. */
export class AccessDeclarationError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(`${ACCESS_FILE}: ${message}`);
    this.name = 'AccessDeclarationError';
  }
}

function names(value: unknown, what: string, principal: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw new AccessDeclarationError(`${principal}.${what} must be a list of names`);
  }
  return value as string[];
}

/** Parses access.yaml. */
export function parseAccess(text: string): PrincipalAccess[] {
  const doc: unknown = parse(text);
  const principals = field(doc, 'principals');
  if (!Array.isArray(principals)) {
    throw new AccessDeclarationError('needs a `principals` list');
  }
  return principals.map((p: unknown) => {
    const name = field(p, 'name');
    if (typeof name !== 'string' || !name) throw new AccessDeclarationError('every principal needs a name');
    return {
      name,
      consumes: names(field(p, 'consumes'), 'consumes', name),
      produces: names(field(p, 'produces'), 'produces', name),
      purges: names(field(p, 'purges'), 'purges', name),
      describeConfigs: names(field(p, 'describeConfigs'), 'describeConfigs', name),
      groups: names(field(p, 'groups'), 'groups', name),
      transactionalIds: names(field(p, 'transactionalIds'), 'transactionalIds', name),
    };
  });
}

/** An ACL entry flattened to one operation: `topic:literal:items:Write`. */
export type AclKey = string;

function aclKey(type: string, name: string, patternType: string, operation: string): AclKey {
  return `${type}:${patternType}:${name}:${operation}`;
}

function resource(declared: string): { name: string; patternType: string } {
  return declared.endsWith('*')
    ? { name: declared.slice(0, -1), patternType: 'prefix' }
    : { name: declared, patternType: 'literal' };
}

/** The ACL entries a declaration implies (see the header of access.yaml). */
export function expectedAcls(p: PrincipalAccess): Set<AclKey> {
  const acls = new Set<AclKey>();
  const add = (type: string, declared: readonly string[], ops: readonly string[]) => {
    for (const d of declared) {
      const r = resource(d);
      for (const op of ops) acls.add(aclKey(type, r.name, r.patternType, op));
    }
  };
  add('topic', p.consumes, ['Read', 'Describe']);
  add('topic', p.produces, ['Write', 'Describe']);
  add('topic', p.purges, ['Delete']);
  add('topic', p.describeConfigs, ['DescribeConfigs']);
  add('group', p.groups, ['Read']);
  add('transactionalId', p.transactionalIds, ['Write', 'Describe']);
  return acls;
}

/** The ACL entries a KafkaUser grants (allow rules; host must be `*` or unset). */
export function grantedAcls(user: K8sObject): { acls: Set<AclKey>; problems: string[] } {
  const acls = new Set<AclKey>();
  const problems: string[] = [];
  const rules = field(user, 'spec', 'authorization', 'acls');
  for (const rule of Array.isArray(rules) ? rules : []) {
    if (!isObject(rule)) continue;
    const type = String(field(rule, 'resource', 'type'));
    const name = type === 'cluster' ? 'kafka-cluster' : String(field(rule, 'resource', 'name'));
    const patternType = String(field(rule, 'resource', 'patternType') ?? 'literal');
    if ((rule['type'] ?? 'allow') !== 'allow')
      problems.push(`has a deny rule on ${type} ${name}; declare access positively`);
    if ((rule['host'] ?? '*') !== '*')
      problems.push(`restricts ${type} ${name} to host ${String(rule['host'])}`);
    const ops = Array.isArray(rule['operations']) ? rule['operations'] : [];
    for (const op of ops) acls.add(aclKey(type, name, patternType, String(op)));
  }
  return { acls, problems };
}

function difference(a: Set<AclKey>, b: Set<AclKey>): AclKey[] {
  return [...a].filter((x) => !b.has(x)).sort();
}

/** KafkaTopic names per env (sets without an env are grouped by source). */
function topicsByEnv(sets: readonly RenderedSet[]): Map<string, Set<string>> {
  const topics = new Map<string, Set<string>>();
  for (const set of sets) {
    const key = set.env ?? set.source;
    const names = topics.get(key) ?? new Set<string>();
    for (const o of set.objects.filter((x) => x.kind === 'KafkaTopic')) {
      names.add(String(field(o, 'spec', 'topicName') ?? o.metadata.name));
    }
    topics.set(key, names);
  }
  return topics;
}

/**
 * Compares every KafkaUser in each set with the declaration, and checks that
 * each literal topic named in the declaration is a KafkaTopic rendered for the
 * same env (the app catalog plus component topics such as Apicurio's).
 */
export function checkKafkaAccess(
  declared: readonly PrincipalAccess[],
  sets: readonly RenderedSet[],
): Violation[] {
  const violations: Violation[] = [];
  const byName = new Map(declared.map((p) => [p.name, p]));
  const envTopics = topicsByEnv(sets);
  for (const set of sets) {
    const users = set.objects.filter((o) => o.kind === 'KafkaUser');
    if (users.length === 0) continue;
    const push = (object: string, message: string) =>
      violations.push({ policy: POLICY, source: set.source, object, message });
    const seen = new Set<string>();
    for (const user of users) {
      const name = user.metadata.name ?? '';
      seen.add(name);
      const p = byName.get(name);
      if (!p) {
        push(describeObject(user), `is not declared in ${ACCESS_FILE}`);
        continue;
      }
      const { acls, problems } = grantedAcls(user);
      problems.forEach((m) => push(describeObject(user), m));
      const expected = expectedAcls(p);
      const missing = difference(expected, acls);
      const extra = difference(acls, expected);
      if (missing.length)
        push(describeObject(user), `lacks ACLs declared in ${ACCESS_FILE}: ${missing.join(', ')}`);
      if (extra.length)
        push(describeObject(user), `grants ACLs not declared in ${ACCESS_FILE}: ${extra.join(', ')}`);
    }
    for (const p of declared) {
      if (!seen.has(p.name))
        push(`KafkaUser ${p.name}`, `is declared in ${ACCESS_FILE} but has no KafkaUser`);
    }
    const topics = envTopics.get(set.env ?? set.source) ?? new Set<string>();
    for (const p of declared) {
      for (const t of [...p.consumes, ...p.produces]) {
        if (!t.endsWith('*') && !topics.has(t)) {
          push(`KafkaUser ${p.name}`, `uses topic "${t}", which no KafkaTopic declares`);
        }
      }
    }
  }
  return violations;
}

/** Apps must authenticate as a declared principal (KAFKA_SASL_USERNAME). */
export function checkAppPrincipals(
  declared: readonly PrincipalAccess[],
  sets: readonly RenderedSet[],
): Violation[] {
  const principals = new Set(declared.map((p) => p.name));
  const violations: Violation[] = [];
  for (const set of sets) {
    for (const obj of set.objects) {
      const containers = field(obj, 'spec', 'template', 'spec', 'containers');
      for (const c of Array.isArray(containers) ? containers : []) {
        const env = field(c, 'env');
        for (const e of Array.isArray(env) ? env : []) {
          if (field(e, 'name') === 'KAFKA_SASL_USERNAME' && !principals.has(String(field(e, 'value')))) {
            violations.push({
              policy: POLICY,
              source: set.source,
              object: describeObject(obj),
              message: `authenticates as "${String(field(e, 'value'))}", which ${ACCESS_FILE} does not declare`,
            });
          }
        }
      }
    }
  }
  return violations;
}
