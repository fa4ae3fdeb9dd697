import { loadComposeContext, withCompose } from '../compose-context';
import { schemaCheck, validateAgainstComposeSchema } from './schema-check';

describe('compose-schema check', () => {
  const ctx = loadComposeContext();

  it('passes on docker-compose.yml', () => {
    expect(schemaCheck.run(ctx)).toEqual([]);
  });

  it('fails on a misspelt service key', () => {
    const broken = withCompose(ctx, (c) => {
      (c.services['kafka'] as Record<string, unknown>)['imagee'] = 'apache/kafka:4.1.2';
    });
    expect(schemaCheck.run(broken)).toEqual(
      expect.arrayContaining([expect.stringContaining('/services/kafka')]),
    );
    expect(schemaCheck.run(broken).join('\n')).toContain("'imagee'");
  });

  it('fails on an unknown depends_on condition', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['topics']!.depends_on = { kafka: { condition: 'service_ready' as 'service_healthy' } };
    });
    expect(schemaCheck.run(broken).join('\n')).toContain('/services/topics/depends_on');
  });

  it('fails on a healthcheck interval that is not a duration string', () => {
    expect(
      validateAgainstComposeSchema({ services: { a: { image: 'x:1', healthcheck: { interval: 10 } } } }),
    ).toEqual([expect.stringContaining('/services/a/healthcheck/interval')]);
  });
});
