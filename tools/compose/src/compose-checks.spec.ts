import { loadComposeContext } from './compose-context';
import { COMPOSE_CHECKS, runComposeChecks } from './compose-checks';

describe('all compose checks', () => {
  const ctx = loadComposeContext();

  it.each(COMPOSE_CHECKS.map((c) => [c.name, c] as const))('%s passes on the repository', (_, check) => {
    expect(check.run(ctx)).toEqual([]);
  });

  it('reports a check that throws as a failure, not a crash', () => {
    const [result] = runComposeChecks(ctx, [
      {
        name: 'boom',
        description: 'throws',
        run: () => {
          throw new Error('no such file');
        },
      },
    ]);
    expect(result?.problems).toEqual(['check failed to run: no such file']);
  });
});
