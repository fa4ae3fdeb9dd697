import { BackgroundConnector, DEFAULT_RECONNECT_DELAY_MS } from './background-connector';

/** A client whose connects fail until `reachable` is set, like a producer while Kafka is down. */
class FlakyClient {
  attempts = 0;
  reachable = false;
  connected = false;
  private pending: Array<() => void> = [];

  /** Each attempt stays open until {@link settle}, so tests can overlap callers. */
  connect(): Promise<void> {
    this.attempts += 1;
    return new Promise<void>((resolve, reject) => {
      this.pending.push(() => {
        if (this.reachable) {
          this.connected = true;
          resolve();
        } else reject(new Error('Connection error: ECONNREFUSED'));
      });
    });
  }

  settle(): void {
    const pending = this.pending;
    this.pending = [];
    for (const finish of pending) finish();
  }
}

describe('BackgroundConnector', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('opens one connection for concurrent callers, and keeps it', async () => {
    const client = new FlakyClient();
    client.reachable = true;
    const connector = new BackgroundConnector(client);
    const callers = Promise.all([connector.connect(), connector.connect(), connector.connect()]);
    client.settle();
    await callers;
    await connector.connect();
    expect(client.connected).toBe(true);
    expect(client.attempts).toBe(1);
  });

  it('rejects the callers of a failed attempt, reports it, and connects on a later attempt', async () => {
    const client = new FlakyClient();
    const errors: string[] = [];
    const connector = new BackgroundConnector(client, {
      reconnectDelayMs: 1000,
      onError: (err) => errors.push(err.message),
    });
    const first = connector.connect();
    client.settle();
    await expect(first).rejects.toThrow('ECONNREFUSED');
    expect(errors).toEqual(['Connection error: ECONNREFUSED']);

    client.reachable = true;
    await jest.advanceTimersByTimeAsync(999);
    expect(client.attempts).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(client.attempts).toBe(2);
    client.settle();
    await connector.connect();
    expect(client.connected).toBe(true);
    expect(errors).toHaveLength(1);
  });

  it('keeps retrying in the background after start() until the client connects', async () => {
    const client = new FlakyClient();
    const connector = new BackgroundConnector(client);
    connector.start();
    for (let attempt = 1; attempt <= 3; attempt++) {
      client.settle();
      await jest.advanceTimersByTimeAsync(DEFAULT_RECONNECT_DELAY_MS);
    }
    expect(client.attempts).toBe(4);
    client.reachable = true;
    client.settle();
    await connector.connect();
    expect(client.connected).toBe(true);
  });

  it('stops retrying once closed', async () => {
    const client = new FlakyClient();
    const connector = new BackgroundConnector(client, { reconnectDelayMs: 10 });
    connector.start();
    client.settle();
    await jest.advanceTimersByTimeAsync(0);
    connector.close();
    await jest.advanceTimersByTimeAsync(1000);
    expect(client.attempts).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('schedules no retry for an attempt that fails after close, and settled() waits for that attempt', async () => {
    const client = new FlakyClient();
    const connector = new BackgroundConnector(client, { reconnectDelayMs: 10 });
    connector.start();
    connector.close();
    let settled = false;
    const waiting = connector.settled().then(() => (settled = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    client.settle();
    await waiting;
    await jest.advanceTimersByTimeAsync(1000);
    expect(client.attempts).toBe(1);
  });

  it('does not keep the process alive while waiting to retry', async () => {
    jest.useRealTimers();
    const client = new FlakyClient();
    const connector = new BackgroundConnector(client, { reconnectDelayMs: 60_000 });
    const refs = jest.spyOn(global, 'setTimeout');
    connector.start();
    client.settle();
    await connector.settled();
    const timer = refs.mock.results.at(-1)?.value as NodeJS.Timeout;
    refs.mockRestore();
    expect(timer.hasRef()).toBe(false);
    connector.close();
  });
});
