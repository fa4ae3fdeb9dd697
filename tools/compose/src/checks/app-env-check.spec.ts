import { loadComposeContext, withCompose, withFile, type ComposeFile } from '../compose-context';
import { appEnvCheck, appPortCheck, appServicesCheck, appsOnDisk, listeningPort } from './app-env-check';

const env = (c: ComposeFile, service: string): Record<string, string> =>
  c.services[service]!.environment as Record<string, string>;

describe('app-services check', () => {
  const ctx = loadComposeContext();

  it('passes: every app in apps/ runs in compose', () => {
    expect(appsOnDisk(ctx.root)).toEqual(
      expect.arrayContaining(['inventory-aggregator', 'inventory-dashboard', 'store-simulator']),
    );
    expect(appServicesCheck.run(ctx)).toEqual([]);
  });

  it('fails when an app has no service', () => {
    const broken = withCompose(ctx, (c) => {
      delete c.services['inventory-aggregator'];
    });
    expect(appServicesCheck.run(broken)).toEqual([
      'app inventory-aggregator has no compose service built from apps/inventory-aggregator/Dockerfile',
    ]);
  });
});

describe('app-env check (runs each app’s own config validation)', () => {
  const ctx = loadComposeContext();

  it('passes on docker-compose.yml', () => {
    expect(appEnvCheck.run(ctx)).toEqual([]);
  });

  it('fails when a variable whose default is the host’s loopback is not set', () => {
    const broken = withCompose(ctx, (c) => {
      delete env(c, 'store-simulator')['KAFKA_BROKERS'];
    });
    expect(appEnvCheck.run(broken)).toEqual([
      "service store-simulator: kafka.brokers[0] resolves to '127.0.0.1:9092', a loopback address, which in a container is the container itself; set its variable in compose",
    ]);
  });

  it('fails with the app’s own message when it rejects a value', () => {
    const broken = withCompose(ctx, (c) => {
      env(c, 'inventory-aggregator')['PROCESSING_GUARANTEE'] = 'exactly_once';
    });
    expect(appEnvCheck.run(broken)).toEqual([
      expect.stringContaining(
        'service inventory-aggregator: apps/inventory-aggregator/src/config rejects the container\'s environment: PROCESSING_GUARANTEE must be one of exactly_once_v2, at_least_once, got "exactly_once"',
      ),
    ]);
  });

  it('fails on a misspelt variable, which the app would silently ignore', () => {
    const broken = withCompose(ctx, (c) => {
      const e = env(c, 'inventory-dashboard');
      e['SCHEMA_REGISTRY_ULR'] = e['SCHEMA_REGISTRY_URL'] as string;
      delete e['SCHEMA_REGISTRY_URL'];
    });
    expect(appEnvCheck.run(broken)).toEqual([
      "service inventory-dashboard: registry.url resolves to 'http://127.0.0.1:8081/apis/ccompat/v7', a loopback address, which in a container is the container itself; set its variable in compose",
      'service inventory-dashboard: sets SCHEMA_REGISTRY_ULR, which apps/inventory-dashboard/src/config never reads (misspelt?)',
    ]);
  });

  it('fails when a variable the app requires is missing (the MQ bridge’s queue manager)', () => {
    const broken = withCompose(ctx, (c) => {
      delete env(c, 'mq-bridge')['MQ_QMGR'];
    });
    expect(appEnvCheck.run(broken)).toEqual([
      expect.stringMatching(
        /^service mq-bridge: apps\/mq-bridge\/src\/config rejects the container's environment: MQ_QMGR /,
      ),
    ]);
  });

  it('fails on a topic the app resolves that gitops does not declare, wherever it is set (here: the image)', () => {
    const file = 'apps/inventory-dashboard/Dockerfile';
    const imageSetsIt = withFile(
      ctx,
      file,
      ctx
        .readText(file)
        .replace('ENV NODE_ENV=production', 'ENV ALERTS_TOPIC=inventory.alert NODE_ENV=production'),
    );
    const broken = withCompose(imageSetsIt, (c) => {
      delete env(c, 'inventory-dashboard')['ALERTS_TOPIC'];
    });
    expect(appEnvCheck.run(broken)).toEqual([
      "service inventory-dashboard: dashboard.topics.alerts resolves to topic 'inventory.alert', which no KafkaTopic in gitops/ declares",
    ]);
  });

  it('fails when the app would listen on loopback only, unreachable through the published port', () => {
    const broken = withCompose(ctx, (c) => {
      env(c, 'store-simulator')['HOST'] = '127.0.0.1';
    });
    expect(appEnvCheck.run(broken)).toEqual([
      expect.stringContaining("simulator.host resolves to '127.0.0.1'"),
    ]);
  });
});

describe('app-ports check', () => {
  const ctx = loadComposeContext();

  it('passes: each app listens where compose publishes it', () => {
    expect(appPortCheck.run(ctx)).toEqual([]);
  });

  it('reads the listening port from the resolved settings', () => {
    expect(listeningPort({ kafka: { brokers: [] }, simulator: { port: 3001 } })).toBe(3001);
    expect(listeningPort({ kafka: {} })).toBeUndefined();
  });

  it('fails when compose publishes another container port', () => {
    const broken = withCompose(ctx, (c) => {
      c.services['inventory-dashboard']!.ports = ['127.0.0.1:3000:3030'];
    });
    expect(appPortCheck.run(broken)).toEqual([
      'service inventory-dashboard: publishes container port 3030, but the app listens on 3000',
    ]);
  });

  it('fails when the image moves the app to another port (its ENV counts)', () => {
    const file = 'apps/store-simulator/Dockerfile';
    const broken = withFile(ctx, file, ctx.readText(file).replace('PORT=3001', 'PORT=3011'));
    expect(appPortCheck.run(broken)).toEqual([
      'service store-simulator: publishes container port 3001, but the app listens on 3011',
      'service store-simulator: expose does not list 3011, the app’s port'.replace('’', "'"),
      'apps/store-simulator/Dockerfile: EXPOSE 3001, but the app listens on 3011',
    ]);
  });
});
