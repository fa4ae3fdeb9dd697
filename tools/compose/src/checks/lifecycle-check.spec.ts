import { loadComposeContext, withCompose, withFile, type DependsOnEntry } from '../compose-context';
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

  it('accepts the HEALTHCHECK of the image an app service builds, and fails without it', () => {
    const file = 'apps/store-simulator/Dockerfile';
    const withoutImageCheck = withFile(ctx, file, ctx.readText(file).replace(/^HEALTHCHECK[^]*?\]\n/m, ''));
    expect(healthcheckCheck.run(withoutImageCheck)).toEqual([
      expect.stringMatching(/^service store-simulator: no healthcheck/),
    ]);
    const disabledInCompose = withCompose(ctx, (c) => {
      c.services['inventory-dashboard']!.healthcheck = { disable: true };
    });
    expect(healthcheckCheck.run(disabledInCompose)).toEqual([
      expect.stringMatching(/^service inventory-dashboard: no healthcheck/),
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

  it('fails when the mq-bridge, which needs the mq profile, loses it', () => {
    const broken = withCompose(ctx, (c) => {
      delete c.services['mq-bridge']!.profiles;
    });
    expect(dependencyCheck.run(broken)).toEqual([
      'service mq-bridge: depends_on mq, which runs only with profile mq; give mq-bridge that profile too',
    ]);
  });

  it('fails when an app starts before the schemas are registered', () => {
    const broken = withCompose(ctx, (c) => {
      const deps = c.services['inventory-dashboard']!.depends_on as Record<string, DependsOnEntry>;
      deps['schemas'] = { condition: 'service_started' };
    });
    expect(dependencyCheck.run(broken)).toEqual([
      'service inventory-dashboard: depends_on schemas with service_started; schemas needs service_completed_successfully',
    ]);
  });

  it('expects dependents of an app to wait for the HEALTHCHECK of its image', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['kafka-ui']!.depends_on = { 'inventory-aggregator': { condition: 'service_started' } };
    });
    expect(dependencyCheck.run(broken)).toEqual([
      'service kafka-ui: depends_on inventory-aggregator with service_started; inventory-aggregator needs service_healthy',
    ]);
  });
});
