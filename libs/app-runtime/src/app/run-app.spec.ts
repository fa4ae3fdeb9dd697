import type { INestApplication } from '@nestjs/common';
import { FakeProcess } from '../lifecycle/fake-process.fixture';
import { runApp } from './run-app';

/** A started app as runApp sees it: its logger (whatever token is asked for), URL and close. */
function fakeApp(steps: string[]) {
  const lines: string[] = [];
  const logger = {
    log: (line: string) => void lines.push(line),
    warn: (line: string) => void lines.push(line),
    error: (line: string) => void lines.push(line),
  };
  const app = {
    get: () => logger,
    getUrl: async () => 'http://127.0.0.1:3001',
    close: async () => void steps.push('close'),
  } as unknown as INestApplication;
  return { app, lines };
}

const telemetryOff = { OTEL_SDK_DISABLED: 'true' };

describe('runApp', () => {
  it('starts the app after telemetry, says where it listens, and closes it on SIGTERM', async () => {
    const source = new FakeProcess();
    const steps: string[] = [];
    const { app, lines } = fakeApp(steps);
    await runApp({
      serviceName: 'store-simulator',
      serve: async () => (steps.push('serve'), app),
      settings: () => ({ shutdownTimeoutMs: 1000 }),
      activity: 'flushing the producer',
      source,
      env: telemetryOff,
    });
    expect(lines).toEqual([
      'store-simulator listening on http://127.0.0.1:3001 (telemetry: OTEL_SDK_DISABLED=true)',
    ]);
    source.emit('SIGTERM', 'SIGTERM');
    expect(await source.exited).toBe(0);
    expect(steps).toEqual(['serve', 'close']);
    expect(lines).toContain('SIGTERM received: flushing the producer');
  });

  it('adds the app’s detail after the URL', async () => {
    const { app, lines } = fakeApp([]);
    await runApp({
      serviceName: 'inventory-aggregator',
      serve: async () => app,
      settings: () => ({ shutdownTimeoutMs: 1000, applicationServer: 'aggregator-0:3002' }),
      activity: 'leaving the group',
      listeningDetail: ({ applicationServer }) => `advertised as ${applicationServer}`,
      source: new FakeProcess(),
      env: telemetryOff,
    });
    expect(lines[0]).toBe(
      'inventory-aggregator listening on http://127.0.0.1:3001, advertised as aggregator-0:3002 ' +
        '(telemetry: OTEL_SDK_DISABLED=true)',
    );
  });

  it('prints why it could not start and exits 1', async () => {
    const source = new FakeProcess();
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await runApp({
        serviceName: 'mq-bridge',
        serve: async () => {
          throw new Error('MQ_QUEUE_MANAGER is required. Fix the environment and restart.');
        },
        settings: () => ({ shutdownTimeoutMs: 1000 }),
        activity: 'disconnecting',
        source,
        env: telemetryOff,
      });
      expect(await source.exited).toBe(1);
      expect(stderr.mock.calls).toEqual([
        ['mq-bridge failed to start: MQ_QUEUE_MANAGER is required. Fix the environment and restart.'],
      ]);
    } finally {
      stderr.mockRestore();
    }
  });

  it('exits 1 when the shutdown outlasts the app’s SHUTDOWN_TIMEOUT_MS', async () => {
    const source = new FakeProcess();
    const { app } = fakeApp([]);
    (app as { close: () => Promise<void> }).close = () => new Promise<void>(() => undefined);
    await runApp({
      serviceName: 'inventory-dashboard',
      serve: async () => app,
      settings: () => ({ shutdownTimeoutMs: 20 }),
      activity: 'draining',
      source,
      env: telemetryOff,
    });
    source.emit('SIGTERM', 'SIGTERM');
    expect(await source.exited).toBe(1);
  });
});
