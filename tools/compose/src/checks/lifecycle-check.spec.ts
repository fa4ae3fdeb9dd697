import { loadComposeContext, withCompose } from '../compose-context';
import { dependencyCheck, healthcheckCheck, HEALTHCHECK_WAIVER } from './lifecycle-check';

describe('healthchecks check', () => {
  const ctx = loadComposeContext();

  it('passes: every service is healthchecked, an init service, or waived with a reason', () => {
    expect(healthcheckCheck.run(ctx)).toEqual([]);
  });

  it('fails when a long-running service has no healthcheck', () => {
    const broken = withCompose(ctx, (c) => {
      delete c.services['kafka']!.healthcheck;
    });
    expect(healthcheckCheck.run(broken)).toEqual([expect.stringMatching(/^service kafka: no healthcheck/)]);
  });

  it('fails when a healthcheck is disabled', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['prometheus']!.healthcheck = { disable: true };
    });
    expect(healthcheckCheck.run(broken)).toEqual([
      expect.stringMatching(/^service prometheus: no healthcheck/),
    ]);
  });

  it('fails on a waiver without a reason', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['otel-collector']![HEALTHCHECK_WAIVER] = ' ';
    });
    expect(healthcheckCheck.run(broken)).toEqual([
      expect.stringMatching(/^service otel-collector: no healthcheck/),
    ]);
  });

  it('fails when an init service stops being run-to-completion', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['topics']!.restart = 'on-failure';
    });
    expect(healthcheckCheck.run(broken)).toEqual([expect.stringMatching(/^service topics: no healthcheck/)]);
  });
});

describe('depends-on check', () => {
  const ctx = loadComposeContext();

  it('passes on docker-compose.yml', () => {
    expect(dependencyCheck.run(ctx)).toEqual([]);
  });

  it('fails on a target that is not a service', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['schemas']!.depends_on = { registry: { condition: 'service_healthy' } };
    });
    expect(dependencyCheck.run(broken)).toEqual([
      'service schemas: depends_on registry, which is not a service',
    ]);
  });

  it('fails on short syntax, which waits for nothing', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['schemas']!.depends_on = ['apicurio'];
    });
    expect(dependencyCheck.run(broken)).toEqual([expect.stringContaining('short syntax')]);
  });

  it('fails when a healthchecked target is only awaited started', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['topics']!.depends_on = { kafka: { condition: 'service_started' } };
    });
    expect(dependencyCheck.run(broken)).toEqual([
      'service topics: depends_on kafka with service_started; kafka needs service_healthy',
    ]);
  });

  it('fails when an init service is awaited healthy instead of completed', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['kafka-ui']!.depends_on = { topics: { condition: 'service_healthy' } };
    });
    expect(dependencyCheck.run(broken)).toEqual([
      'service kafka-ui: depends_on topics with service_healthy; topics needs service_completed_successfully',
    ]);
  });

  it('fails when a core service depends on a profile-only service', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['schemas']!.depends_on = {
        apicurio: { condition: 'service_healthy' },
        jaeger: { condition: 'service_healthy' },
      };
    });
    expect(dependencyCheck.run(broken)).toEqual([
      expect.stringContaining('runs only with profile observability'),
    ]);
  });

  it('fails when a planned app depends on a service that does not exist', () => {
    const broken = withCompose(ctx, (c) => {
      c['x-eda-apps']!['mq-bridge']!.depends_on = ['ibmmq'];
    });
    expect(dependencyCheck.run(broken)).toEqual([
      'x-eda-apps.mq-bridge: depends_on ibmmq, which is not a service',
    ]);
  });
});
