import { FakeProcess } from './fake-process.fixture';
import { exitGracefullyOnSignals } from './graceful-shutdown';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('exitGracefullyOnSignals', () => {
  it('closes the app, then flushes telemetry, then exits 0', async () => {
    const source = new FakeProcess();
    const steps: string[] = [];
    exitGracefullyOnSignals({
      close: async () => void steps.push('close'),
      telemetry: { shutdown: async () => void steps.push('telemetry') },
      timeoutMs: 1000,
      logger: quiet,
      activity: 'closing',
      source,
    });
    source.emit('SIGTERM', 'SIGTERM');
    expect(await source.exited).toBe(0);
    expect(steps).toEqual(['close', 'telemetry']);
  });

  it('exits 1 when closing fails, and names the failure', async () => {
    const source = new FakeProcess();
    const errors: string[] = [];
    exitGracefullyOnSignals({
      close: () => Promise.reject(new Error('commit failed')),
      timeoutMs: 1000,
      logger: { ...quiet, error: (m) => void errors.push(m) },
      activity: 'closing',
      source,
    });
    source.emit('SIGINT', 'SIGINT');
    expect(await source.exited).toBe(1);
    expect(errors).toEqual(['shutdown failed: commit failed']);
  });

  it('exits 0 when the telemetry flush fails (the app closed cleanly), saying the spans are lost', async () => {
    const source = new FakeProcess();
    const warnings: string[] = [];
    exitGracefullyOnSignals({
      close: async () => undefined,
      telemetry: { shutdown: () => Promise.reject(new Error('getaddrinfo ENOTFOUND otel-collector')) },
      timeoutMs: 1000,
      logger: { ...quiet, warn: (m) => void warnings.push(m) },
      activity: 'closing',
      source,
    });
    source.emit('SIGTERM', 'SIGTERM');
    expect(await source.exited).toBe(0);
    expect(warnings).toEqual([
      'telemetry flush failed, the last spans are lost: getaddrinfo ENOTFOUND otel-collector',
    ]);
  });

  it('waits for the telemetry flush no longer than its own limit, then exits 0', async () => {
    const source = new FakeProcess();
    const warnings: string[] = [];
    exitGracefullyOnSignals({
      close: async () => undefined,
      telemetry: { shutdown: () => new Promise(() => undefined) },
      telemetryFlushTimeoutMs: 20,
      timeoutMs: 60_000,
      logger: { ...quiet, warn: (m) => void warnings.push(m) },
      activity: 'closing',
      source,
    });
    source.emit('SIGTERM', 'SIGTERM');
    expect(await source.exited).toBe(0);
    expect(warnings).toEqual(['telemetry flush still running after 20 ms: exiting without the last spans']);
  });

  it('exits 1 when closing outlasts the timeout', async () => {
    const source = new FakeProcess();
    exitGracefullyOnSignals({
      close: () => new Promise(() => undefined),
      timeoutMs: 20,
      logger: quiet,
      activity: 'closing',
      source,
    });
    source.emit('SIGTERM', 'SIGTERM');
    expect(await source.exited).toBe(1);
  });

  it('exits 1 at once on a second signal', () => {
    const source = new FakeProcess();
    exitGracefullyOnSignals({
      close: () => new Promise(() => undefined),
      timeoutMs: 60_000,
      logger: quiet,
      activity: 'closing',
      source,
    });
    source.emit('SIGTERM', 'SIGTERM');
    source.emit('SIGTERM', 'SIGTERM');
    expect(source.exits).toEqual([1]);
  });
});
