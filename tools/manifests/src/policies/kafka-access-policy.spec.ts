import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployment, goodContainer, kafkaTopic, kafkaUser, setOf } from '../testing/fixtures';
import {
  AccessDeclarationError,
  checkAppPrincipals,
  checkKafkaAccess,
  expectedAcls,
  parseAccess,
  PrincipalAccess,
} from './kafka-access-policy';

const aggregator: PrincipalAccess = {
  name: 'inventory-aggregator',
  consumes: ['items', 'inventory-aggregator-*'],
  produces: ['item.inventory', 'inventory-aggregator-*'],
  purges: ['inventory-aggregator-*'],
  describeConfigs: ['inventory-aggregator-*'],
  groups: ['inventory-aggregator'],
  transactionalIds: ['inventory-aggregator-*'],
};

const acl = (type: string, name: string, patternType: string, operations: string[]) => ({
  resource: { type, name, patternType },
  operations,
});

const exactAcls = [
  acl('topic', 'items', 'literal', ['Read', 'Describe']),
  acl('topic', 'inventory-aggregator-', 'prefix', ['Read', 'Write', 'Describe', 'Delete', 'DescribeConfigs']),
  acl('topic', 'item.inventory', 'literal', ['Write', 'Describe']),
  acl('group', 'inventory-aggregator', 'literal', ['Read']),
  acl('transactionalId', 'inventory-aggregator-', 'prefix', ['Write', 'Describe']),
];

const topics = [kafkaTopic('items'), kafkaTopic('item.inventory')];
const check = (acls: unknown[], extra: ReturnType<typeof kafkaTopic>[] = topics) =>
  checkKafkaAccess(
    [aggregator],
    [setOf('fixture', [kafkaUser('inventory-aggregator', acls), ...extra], 'prod')],
  );

describe('kafka access policy', () => {
  it('derives prefix ACLs from a trailing *', () => {
    expect(expectedAcls(aggregator)).toContain('topic:prefix:inventory-aggregator-:Write');
    expect(expectedAcls(aggregator)).toContain('transactionalId:prefix:inventory-aggregator-:Describe');
  });

  it('grants Delete on the topics a principal purges, and on no others', () => {
    expect(expectedAcls(aggregator)).toContain('topic:prefix:inventory-aggregator-:Delete');
    expect(expectedAcls(aggregator)).not.toContain('topic:literal:items:Delete');
  });

  it('accepts a KafkaUser that grants exactly the declaration', () => {
    expect(check(exactAcls)).toEqual([]);
  });

  it('fails when a KafkaUser grants more than declared', () => {
    const [violation] = check([...exactAcls, acl('topic', 'store.inventory', 'literal', ['Read'])]);
    expect(violation?.message).toMatch(/grants ACLs not declared .*topic:literal:store.inventory:Read/);
  });

  it('fails when a KafkaUser lacks a declared ACL', () => {
    const [violation] = check(exactAcls.slice(1));
    expect(violation?.message).toMatch(
      /lacks ACLs declared .*topic:literal:items:Describe, topic:literal:items:Read/,
    );
  });

  it('fails when a literal prefix is used where a prefix is declared', () => {
    const broken = exactAcls.map((a) =>
      a.resource.type === 'transactionalId'
        ? acl('transactionalId', 'inventory-aggregator-', 'literal', ['Write', 'Describe'])
        : a,
    );
    expect(check(broken).map((v) => v.message)).toHaveLength(2);
  });

  it('fails on undeclared users, users missing for a declaration, and undeclared topics', () => {
    const messages = checkKafkaAccess(
      [aggregator],
      [setOf('fixture', [kafkaUser('intruder', []), kafkaTopic('items')], 'prod')],
    ).map((v) => `${v.object} ${v.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/KafkaUser intruder is not declared/),
        expect.stringMatching(/inventory-aggregator is declared .* but has no KafkaUser/),
        expect.stringMatching(/uses topic "item.inventory", which no KafkaTopic declares/),
      ]),
    );
  });

  it('fails when an app authenticates as an undeclared principal', () => {
    const c = goodContainer({ env: [{ name: 'KAFKA_SASL_USERNAME', value: 'root' }] });
    expect(checkAppPrincipals([aggregator], [setOf('fixture', [deployment(c)])])[0]?.message).toMatch(
      /"root"/,
    );
  });

  it('rejects a malformed declaration', () => {
    expect(() => parseAccess('principals:\n  - name: x\n    consumes: items\n')).toThrow(
      AccessDeclarationError,
    );
  });

  it('parses the real declaration, one principal per app, the registry and the DLQ replay tool', () => {
    const access = parseAccess(
      readFileSync(join(__dirname, '../../../../gitops/platform/kafka-cluster/access.yaml'), 'utf8'),
    );
    expect(access.map((p) => p.name).sort()).toEqual([
      'apicurio-registry',
      'dlq-replayer',
      'inventory-aggregator',
      'inventory-dashboard',
      'mq-bridge',
      'store-simulator',
    ]);
  });
});
