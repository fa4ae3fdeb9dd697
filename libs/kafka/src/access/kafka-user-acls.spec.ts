import { KafkaUserFileError, parseKafkaUsers } from './kafka-user-acls';

const user = (acls: string) => `apiVersion: kafka.strimzi.io/v1
kind: KafkaUser
metadata:
  name: app
spec:
  authentication:
    type: scram-sha-512
  authorization:
    type: simple
    acls:
${acls}`;

describe('KafkaUser files as ACLs', () => {
  it('flattens each rule to one ACL per operation, prefixes included', () => {
    const [parsed] = parseKafkaUsers(
      user(`      - resource: {type: topic, name: items, patternType: literal}
        operations: [Read, Describe]
      - resource: {type: group, name: app-, patternType: prefix}
        operations: [Read]
`),
      'app.yaml',
    );
    expect(parsed?.acls.map((a) => `${a.resourceType}:${a.patternType}:${a.name}:${a.operation}`)).toEqual([
      'topic:literal:items:Read',
      'topic:literal:items:Describe',
      'group:prefix:app-:Read',
    ]);
  });

  it('refuses what the stack would apply differently from Strimzi: deny rules, hosts, unknown operations', () => {
    const rule = (extra: string, op = 'Read') =>
      user(`      - resource: {type: topic, name: items}
        operations: [${op}]
${extra}`);
    expect(() => parseKafkaUsers(rule('        type: deny\n'), 'f.yaml')).toThrow(KafkaUserFileError);
    expect(() => parseKafkaUsers(rule("        host: '10.0.0.1'\n"), 'f.yaml')).toThrow(/any host/);
    expect(() => parseKafkaUsers(rule('', 'Reed'), 'f.yaml')).toThrow(/unknown operation Reed/);
  });

  it('needs SCRAM-SHA-512 authentication, as the secure stack provides', () => {
    expect(() => parseKafkaUsers(user('').replace('scram-sha-512', 'tls'), 'f.yaml')).toThrow(
      /authentication must be scram-sha-512/,
    );
  });
});
