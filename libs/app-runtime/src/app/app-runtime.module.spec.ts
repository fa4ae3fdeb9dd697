import 'reflect-metadata';
import { Inject, Injectable, Module } from '@nestjs/common';
import { registerAs } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { AppRuntimeModule, QUIET_REQUEST_PATHS, type AppRuntimeOptions } from './app-runtime.module';

const appConfig = registerAs('app', () => ({
  logLevel: process.env['TEST_LOG_LEVEL'] || 'info',
  port: 3000,
}));
type AppSettings = ReturnType<typeof appConfig>;
const otherConfig = registerAs('other', () => ({ brokers: ['127.0.0.1:9092'] }));
const brokenConfig = registerAs('broken', () => {
  throw new Error('KAFKA_BROKERS must not be empty. Fix the environment and restart.');
});

/** A provider of a feature module: it sees the namespaces without importing anything. */
@Injectable()
class Feature {
  constructor(@Inject(otherConfig.KEY) readonly other: { brokers: string[] }) {}
}

@Module({ providers: [Feature], exports: [Feature] })
class FeatureModule {}

async function compile(options: Partial<Omit<AppRuntimeOptions<AppSettings>, 'logLevelFrom'>> = {}) {
  return Test.createTestingModule({
    imports: [
      AppRuntimeModule.forApp({
        serviceName: 'test-app',
        load: [appConfig, otherConfig],
        logLevelFrom: appConfig,
        ...options,
      }),
      FeatureModule,
    ],
  }).compile();
}

function ignored(params: Params, url: string): boolean {
  const pinoHttp = params.pinoHttp as { autoLogging: { ignore: (req: IncomingMessage) => boolean } };
  return pinoHttp.autoLogging.ignore({ url } as IncomingMessage);
}

describe('AppRuntimeModule.forApp', () => {
  afterEach(() => delete process.env['TEST_LOG_LEVEL']);

  it('makes every loaded namespace injectable in any module', async () => {
    const app = await compile();
    expect(app.get(Feature).other).toEqual({ brokers: ['127.0.0.1:9092'] });
    expect(app.get(appConfig.KEY)).toEqual({ logLevel: 'info', port: 3000 });
    await app.close();
  });

  it('fails at start-up with the namespace’s own message when the environment is bad', async () => {
    await expect(compile({ load: [appConfig, brokenConfig] })).rejects.toThrow(
      'KAFKA_BROKERS must not be empty. Fix the environment and restart.',
    );
  });

  it('logs JSON lines as the service, at the level its namespace read from the environment', async () => {
    process.env['TEST_LOG_LEVEL'] = 'warn';
    const app = await compile();
    const params = app.get<Params>(PARAMS_PROVIDER_TOKEN);
    expect(params.pinoHttp).toMatchObject({ level: 'warn', base: { service: 'test-app' } });
    await app.close();
  });

  it('leaves probe and scrape requests out of the request log by default', async () => {
    const app = await compile();
    const params = app.get<Params>(PARAMS_PROVIDER_TOKEN);
    expect(ignored(params, '/health/ready')).toBe(true);
    expect(ignored(params, '/metrics')).toBe(true);
    expect(ignored(params, '/api/simulations')).toBe(false);
    expect(ignored(params, '/healthz')).toBe(false);
    await app.close();
  });

  it('takes the app’s own quiet paths instead', async () => {
    const app = await compile({ quietPaths: /^\/api\/events(\/|$)/ });
    const params = app.get<Params>(PARAMS_PROVIDER_TOKEN);
    expect(ignored(params, '/api/events')).toBe(true);
    expect(ignored(params, '/health/ready')).toBe(false);
    await app.close();
  });

  it('defaults to the paths every app polls', () => {
    expect(QUIET_REQUEST_PATHS.test('/health/live')).toBe(true);
    expect(QUIET_REQUEST_PATHS.test('/metrics')).toBe(true);
  });
});
