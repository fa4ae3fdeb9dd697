import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { simulatorConfig, simulatorSettingsFromEnv } from '../config/simulator.config';
import { requestValidationPipe } from '../http/request-validation';
import { SimulatorMetrics } from '../metrics/simulator-metrics';
import { TRANSACTION_PUBLISHERS } from '../publishing/transaction-publisher';
import { RecordingPublisher } from './recording-publisher.spec-support';
import { SimulationsController } from './simulations.controller';
import { SimulationsService } from './simulations.service';

describe('SimulationsController (HTTP)', () => {
  let app: INestApplication;
  let base: string;
  const publisher = new RecordingPublisher();

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [SimulationsController],
      providers: [
        SimulationsService,
        SimulatorMetrics,
        { provide: TRANSACTION_PUBLISHERS, useValue: [publisher] },
        { provide: simulatorConfig.KEY, useValue: simulatorSettingsFromEnv({ SIMULATOR_MAX_COUNT: '5000' }) },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(requestValidationPipe());
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${app.getHttpServer().address().port}/api/simulations`;
  });
  afterAll(() => app.close());

  const post = (body: unknown) =>
    fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('accepts a simulation with 202 {id} and a Location, and reports it completed', async () => {
    const response = await post({ backend: 'kafka', count: 120, seed: 5, stores: 2, skus: 3 });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    expect(response.headers.get('location')).toBe(`/api/simulations/${id}`);
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 50 && status['state'] !== 'completed'; i++) {
      status = (await (await fetch(`${base}/${id}`)).json()) as Record<string, unknown>;
      if (status['state'] !== 'completed') await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toMatchObject({ id, state: 'completed', sent: 120, failed: 0, seed: 5, backend: 'kafka' });
    expect(new Date(status['startedAt'] as string).toISOString()).toBe(status['startedAt']);
    expect(new Date(status['finishedAt'] as string).toISOString()).toBe(status['finishedAt']);
  });

  it.each([
    [{ backend: 'kafka', count: 0 }, 'count must not be less than 1'],
    [{ backend: 'kafka', count: 'ten' }, 'count must be an integer number'],
    [{ backend: 'kafka', ratePerSec: -5 }, 'ratePerSec must not be less than 0.1'],
    [{ backend: 'kafka', seed: 1.5 }, 'seed must be an integer number'],
    [{ backend: 'kafka', stores: 0 }, 'stores must not be less than 1'],
    [{ backend: 'kafka', skus: 0 }, 'skus must not be less than 1'],
    [{ count: 10 }, 'backend must be one of the following values: kafka, mq'],
    [{ backend: 'carrier-pigeon' }, 'backend must be one of the following values: kafka, mq'],
    [{ backend: 'kafka', colour: 'red' }, 'property colour should not exist'],
    [{ backend: 'kafka', startTime: 'yesterday' }, 'startTime must be a valid ISO 8601 date string'],
  ])('answers %j with 400 naming the field', async (body, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string[] }).message).toContain(message);
  });

  it('answers a count over SIMULATOR_MAX_COUNT with 400 naming count', async () => {
    const response = await post({ backend: 'kafka', count: 5001 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /^count must not be greater than 5000/,
    );
  });

  it('answers backend "mq" with 501 naming the variables to set when no MQ publisher is configured', async () => {
    const response = await post({ backend: 'mq', count: 1 });
    expect(response.status).toBe(501);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /backend "mq" is not configured.*MQ_QMGR, MQ_CONN_NAME and MQ_CHANNEL/,
    );
  });

  it('answers an unknown id with 404 on GET and DELETE', async () => {
    expect((await fetch(`${base}/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${base}/nope`, { method: 'DELETE' })).status).toBe(404);
  });

  it('stops a running simulation on DELETE and returns its final status', async () => {
    publisher.delayMs = 20;
    const { id } = (await (await post({ backend: 'kafka', ratePerSec: 500 })).json()) as { id: string };
    // Running, with a first batch sent: no fixed sleep.
    while (((await (await fetch(`${base}/${id}`)).json()) as { sent: number }).sent === 0) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const response = await fetch(`${base}/${id}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    const status = (await response.json()) as Record<string, unknown>;
    expect(status).toMatchObject({ id, state: 'stopped', count: null, ratePerSec: 500 });
    expect(status['finishedAt']).not.toBeNull();
    publisher.delayMs = 0;
  });
});
