/**
 * Readiness when a dependency is missing at start-up: the app starts and
 * answers, and `/health/ready` says what is wrong and what to do, instead of
 * the process crashing or producing records nobody can decode.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { KafkaTestContext } from '@eda/testing';
import { serve } from '../serve';

interface ReadinessBody {
  status: string;
  error: Record<string, { status: string; message?: string }>;
  details: Record<string, { status: string; message?: string }>;
}

describe('store-simulator readiness with a missing dependency', () => {
  const context = new KafkaTestContext('store-simulator-ready');
  const saved = { ...process.env };
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    process.env = { ...saved };
  });
  afterAll(() => context.close());

  async function start(env: Record<string, string>): Promise<string> {
    Object.assign(process.env, { LOG_LEVEL: 'silent', ...env });
    app = await serve({ port: 0 });
    return `http://127.0.0.1:${app.getHttpServer().address().port}`;
  }

  it('reports an unregistered schema as not ready, telling to run npm run schemas:deploy', async () => {
    const topic = await context.createTopic('unregistered');
    const base = await start({ ITEMS_TOPIC: topic });
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as ReadinessBody;
    expect(body.error['schema']?.message).toContain(`${topic}-value`);
    expect(body.error['schema']?.message).toContain('npm run schemas:deploy');
    expect(body.details['kafka']?.status).toBe('up');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });

  it('starts with the registry down and reports it on readiness rather than crashing', async () => {
    const topic = await context.createTopic('registry-down');
    const base = await start({
      ITEMS_TOPIC: topic,
      // Nothing listens on port 9 of loopback: connection refused at once.
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9/apis/ccompat/v7',
      SCHEMA_REGISTRY_TIMEOUT_MS: '1000',
    });
    const response = await fetch(`${base}/health/ready`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as ReadinessBody;
    expect(body.error['schema']?.message).toMatch(
      /Schema registry at http:\/\/127\.0\.0\.1:9\S* is unavailable/,
    );
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });

  it('starts with Kafka unreachable and reports kafka and producer down within the health timeout', async () => {
    const base = await start({
      KAFKA_BROKERS: '127.0.0.1:9',
      HEALTH_TIMEOUT_MS: '1500',
      KAFKA_CONNECTION_TIMEOUT_MS: '500',
    });
    const started = performance.now();
    const response = await fetch(`${base}/health/ready`);
    expect(performance.now() - started).toBeLessThan(4000);
    expect(response.status).toBe(503);
    const body = (await response.json()) as ReadinessBody;
    expect(body.error['kafka']?.status).toBe('down');
    expect(body.error['producer']).toMatchObject({ status: 'down', state: 'idle' });
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });

  it('fails start-up with the variable named when the configuration is wrong', async () => {
    await expect(start({ KAFKA_BROKERS: 'no-port-here' })).rejects.toThrow(/^KAFKA_BROKERS must be/);
    await expect(start({ PORT: 'eighty' })).rejects.toThrow(/^PORT must be an integer/);
  });
});
