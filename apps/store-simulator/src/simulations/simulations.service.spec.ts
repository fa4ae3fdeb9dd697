import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { simulatorSettingsFromEnv } from '../config/simulator.config';
import { SimulatorMetrics } from '../metrics/simulator-metrics';
import { scenarioSpanMs, scenarioTransactions, SCENARIO_EPOCH_MS } from '../scenario/store-scenario';
import { BackendNotAvailableError, SimulationLimitError, SimulationNotFoundError } from './simulation-errors';
import { SimulationsService } from './simulations.service';
import { BackendError, RecordingPublisher } from './recording-publisher.spec-support';

/** Resolves once `condition` holds (polled every 5 ms; Jest's timeout bounds it): no fixed sleeps. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

function setup(env: NodeJS.ProcessEnv = {}) {
  const publisher = new RecordingPublisher();
  const metrics = new SimulatorMetrics();
  const service = new SimulationsService([publisher], simulatorSettingsFromEnv(env), metrics);
  return { publisher, metrics, service };
}

describe('SimulationsService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('sends exactly the scenario of the seed, in order, and completes', async () => {
    const { publisher, service } = setup({ SIMULATOR_BATCH_SIZE: '64' });
    const run = service.start({ backend: 'kafka', count: 1000, seed: 7, stores: 3, skus: 9 });
    await run.done;
    const startTime = Date.parse(run.status().startTime as string);
    expect(publisher.received).toEqual(
      scenarioTransactions({ seed: 7, stores: 3, skus: 9, startTime }, 1000),
    );
    expect(run.status()).toMatchObject({ state: 'completed', sent: 1000, failed: 0, seed: 7, count: 1000 });
    expect(run.status().finishedAt).not.toBeNull();
  });

  it('sends the same scenario from startTime on when one is given', async () => {
    const { publisher, service } = setup();
    const startTime = '2026-12-07T05:00:00.000Z';
    await service.start({ backend: 'kafka', count: 50, seed: 7, stores: 3, skus: 9, startTime }).done;
    expect(publisher.received).toEqual(
      scenarioTransactions({ seed: 7, stores: 3, skus: 9, startTime: Date.parse(startTime) }, 50),
    );
  });

  // Kafka deletes records older than a topic's retention by their timestamps, and refuses them more than
  // an hour in the future (Kafka 4): the old default (2026-01-01) made the demo's input vanish from `items`.
  it('stamps a counted run without startTime so that its last event is now, not on the scenario epoch', async () => {
    const { publisher, service } = setup();
    const before = Date.now();
    const run = service.start({ backend: 'kafka', count: 2000, seed: 7, stores: 3, skus: 9 });
    await run.done;
    const after = Date.now();
    const stamps = publisher.received.map((tx) => tx.timestamp);
    const last = stamps.at(-1) as number;
    expect(last).toBeGreaterThanOrEqual(before);
    expect(last).toBeLessThanOrEqual(after);
    expect(Math.max(...stamps)).toBe(last);
    // The seeded shape is kept: the same gaps as the scenario, shifted.
    const span = await scenarioSpanMs({ seed: 7, stores: 3, skus: 9 }, 2000);
    expect(last - Date.parse(run.status().startTime as string)).toBe(span);
    expect(stamps[0]).toBeGreaterThan(SCENARIO_EPOCH_MS + 300 * 86_400_000);
  });

  it('never stamps an endless run in the future, although its scenario clock runs ahead', async () => {
    const { publisher, service } = setup();
    const run = service.start({ backend: 'kafka', ratePerSec: 1000, seed: 3 });
    await until(() => publisher.received.length > 50);
    await run.stop();
    const stopped = Date.now();
    const stamps = publisher.received.map((tx) => tx.timestamp);
    expect(stamps.length).toBeGreaterThan(50);
    expect(Math.max(...stamps)).toBeLessThanOrEqual(stopped);
    expect(stamps.every((t, i) => i === 0 || t >= (stamps[i - 1] as number))).toBe(true);
    expect(Date.parse(run.status().startTime as string)).toBeLessThanOrEqual(stamps[0] as number);
  });

  it('counts sent transactions by type in the metrics', async () => {
    const { metrics, service } = setup();
    await service.start({ backend: 'kafka', count: 300, seed: 1 }).done;
    const text = await metrics.registry.metrics();
    const sent = [...text.matchAll(/^simulator_events_sent_total\{.*\} (\d+)$/gm)].map((m) => Number(m[1]));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(300);
    expect(text).toMatch(/simulator_batch_send_duration_seconds_count\{backend="kafka"\} \d+/);
  });

  it('paces a run to its rate', async () => {
    const { service } = setup();
    const started = performance.now();
    await service.start({ backend: 'kafka', count: 60, ratePerSec: 200, seed: 1 }).done;
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('draws a seed when none is given, and reports it so the run can be replayed', async () => {
    const { publisher, service } = setup();
    const run = service.start({ backend: 'kafka', count: 50 });
    await run.done;
    const { seed, stores, skus, startTime } = run.status();
    expect(publisher.received).toEqual(
      scenarioTransactions({ seed, stores, skus, startTime: Date.parse(startTime as string) }, 50),
    );
  });

  it('stops an endless run on request', async () => {
    const { service } = setup();
    const run = service.start({ backend: 'kafka', ratePerSec: 1000 });
    await until(() => run.status().sent > 0);
    const stopped = await service.stop(run.id);
    expect(stopped.status()).toMatchObject({ state: 'stopped', count: null });
    expect(stopped.status().sent).toBeGreaterThan(0);
  });

  it('resends a batch through retriable failures, losing and reordering nothing', async () => {
    const { publisher, service } = setup({ SIMULATOR_BATCH_SIZE: '10' });
    publisher.failures.push(...[1, 2].map(() => new BackendError('leader not available', true)));
    const run = service.start({ backend: 'kafka', count: 50, seed: 3, stores: 2, skus: 4 });
    await run.done;
    expect(run.status()).toMatchObject({ state: 'completed', sent: 50, failed: 0 });
    const startTime = Date.parse(run.status().startTime as string);
    expect(publisher.received).toEqual(scenarioTransactions({ seed: 3, stores: 2, skus: 4, startTime }, 50));
  });

  it('fails at once on a non-retriable error, keeping its message', async () => {
    const { publisher, service } = setup({ SIMULATOR_BATCH_SIZE: '10' });
    publisher.failures.push(new BackendError('schema not registered: run npm run schemas:deploy', false));
    const run = service.start({ backend: 'kafka', count: 50, seed: 3 });
    await run.done;
    expect(run.status()).toMatchObject({ state: 'failed', sent: 0, failed: 10 });
    expect(run.status().error).toContain('schemas:deploy');
  });

  it('fails once a batch is still failing after the retry budget, naming the error', async () => {
    const { publisher, service } = setup({ SIMULATOR_BATCH_SIZE: '10', SIMULATOR_RETRY_BUDGET_MS: '300' });
    publisher.failures.push(...Array.from({ length: 100 }, () => new BackendError('broker down', true)));
    const run = service.start({ backend: 'kafka', count: 100, seed: 3 });
    await run.done;
    expect(run.status()).toMatchObject({ state: 'failed', sent: 0, failed: 10, error: 'broker down' });
    expect(publisher.failures.length).toBeLessThan(99);
  });

  it('refuses a backend it has no publisher for, an unknown id, and a count over the limit', () => {
    const { service } = setup({ SIMULATOR_MAX_COUNT: '100' });
    expect(() => service.start({ backend: 'mq', count: 1 })).toThrow(BackendNotAvailableError);
    expect(() => service.get('nope')).toThrow(SimulationNotFoundError);
    expect(() => service.start({ backend: 'kafka', count: 101 })).toThrow(SimulationLimitError);
  });

  it('stops running simulations when the module is destroyed (shutdown)', async () => {
    const { service } = setup();
    const run = service.start({ backend: 'kafka', ratePerSec: 100 });
    await service.onModuleDestroy();
    expect(run.status().state).toBe('stopped');
  });
});
