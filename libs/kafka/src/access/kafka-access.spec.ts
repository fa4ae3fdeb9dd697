import { aclsOf, deadLetterReplayAccess, kafkaAccess, KafkaAccessDeclarationError } from './kafka-access';

describe('kafka access declarations', () => {
  it('merge each resource operations across categories, literal before prefix', () => {
    const acls = aclsOf(
      kafkaAccess({
        principal: 'app',
        description: 'test',
        consumes: ['in', 'app-*'],
        produces: ['out', 'app-*'],
        purges: ['app-*'],
        groups: ['app'],
        transactionalIds: ['app-*'],
      }),
    );
    expect(acls).toEqual([
      { resource: { type: 'topic', name: 'in', patternType: 'literal' }, operations: ['Read', 'Describe'] },
      { resource: { type: 'topic', name: 'out', patternType: 'literal' }, operations: ['Write', 'Describe'] },
      {
        resource: { type: 'topic', name: 'app-', patternType: 'prefix' },
        operations: ['Read', 'Write', 'Describe', 'Delete'],
      },
      { resource: { type: 'group', name: 'app', patternType: 'literal' }, operations: ['Read'] },
      {
        resource: { type: 'transactionalId', name: 'app-', patternType: 'prefix' },
        operations: ['Write', 'Describe'],
      },
    ]);
  });

  it('rejects a name that is neither a Kafka name nor a prefix', () => {
    expect(() => kafkaAccess({ principal: 'app', description: '', consumes: ['a b'] })).toThrow(
      KafkaAccessDeclarationError,
    );
    expect(() => kafkaAccess({ principal: 'App', description: '' })).toThrow(/KafkaUser name/);
  });

  it('gives the replayer Read on each DLQ and Write on each origin', () => {
    const access = deadLetterReplayAccess('replayer', '', 'replayer', [
      { deadLetterTopic: 'a.dlq', originalTopic: 'a' },
      { deadLetterTopic: 'b.dlq', originalTopic: 'b' },
    ]);
    expect([access.consumes, access.produces, access.groups]).toEqual([
      ['a.dlq', 'b.dlq'],
      ['a', 'b'],
      ['replayer-*'],
    ]);
  });
});
