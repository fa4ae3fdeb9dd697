/**
 * ServerMQ's unit-of-work rules, with plain handlers and the ibmmq test
 * double: what is committed, moved or backed out after each kind of failure.
 */
import { waitForBatches, waitUntil, startServer, type Harness } from './server-mq.spec-support';
import { BACKOUT_PROPERTIES } from './backout-message';
import { MqPoisonMessageException, MqSinkUnavailableException } from './mq-exceptions';
import type { MqSinkState } from './server-mq';
import { putTestMessages } from '../testing';

describe('ServerMQ', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.server.close();
    h = undefined;
  });

  it('hands each message to the handler and commits the batch once all succeeded', async () => {
    const seen: string[] = [];
    h = await startServer(async (data: Buffer) => void seen.push(data.toString()), { batchSize: 10 });
    await putTestMessages(h.qmgr, 'IN', ['a', 'b', 'c']);
    await waitForBatches(h, (r) => r.reduce((n, b) => n + b.handled, 0) === 3);
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(h.qmgr.depth('IN')).toBe(0);
    expect(h.reports[0]).toMatchObject({ outcome: 'committed', received: 3, handled: 3 });
  });

  it('does not commit before the handler resolved', async () => {
    let release: () => void = () => undefined;
    h = await startServer(() => new Promise<void>((resolve) => (release = resolve)));
    await putTestMessages(h.qmgr, 'IN', ['a']);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.reports).toHaveLength(0);
    expect(h.qmgr.depth('IN')).toBe(0); // locked by the unit of work, not gone
    const closing = h.server.close(); // close lets the batch finish: commit after the handler
    release();
    await closing;
    expect(h.reports).toEqual([expect.objectContaining({ outcome: 'committed', handled: 1 })]);
    expect(h.qmgr.browse('IN')).toEqual([]);
    h = undefined;
  });

  it('moves a poison message to the backout queue with its reason, and commits the rest', async () => {
    h = await startServer(async (data: Buffer) => {
      if (data.toString() === 'bad') throw new MqPoisonMessageException('INVALID_JSON', 'not JSON');
    });
    await putTestMessages(h.qmgr, 'IN', [
      'good',
      { body: 'bad', properties: { traceparent: '00-t-s-01' } },
      'good2',
    ]);
    await waitForBatches(h, (r) => r.some((b) => b.outcome === 'committed'));
    const [moved] = h.qmgr.browse('BOQ');
    expect(moved).toMatchObject({
      text: 'bad',
      feedback: 65536 + 2,
      properties: {
        [BACKOUT_PROPERTIES.reason]: 'INVALID_JSON',
        [BACKOUT_PROPERTIES.detail]: 'not JSON',
        [BACKOUT_PROPERTIES.sourceQueue]: 'IN',
        traceparent: '00-t-s-01',
      },
    });
    expect(h.qmgr.depth('IN')).toBe(0);
    expect(h.reports[0]).toMatchObject({ handled: 2, movedToBackout: { INVALID_JSON: 1 } });
  });

  it('moves a message whose BackoutCount reached the threshold without handling it', async () => {
    const seen: string[] = [];
    h = await startServer(async (data: Buffer) => void seen.push(data.toString()), {
      backoutThreshold: 2,
      retryBudgetMs: 0,
    });
    await h.server.close();
    // Two failed deliveries, as another consumer backing out would leave it.
    await putTestMessages(h.qmgr, 'IN', ['tired']);
    await h.bounce(2);
    h = await startServer(
      async (data: Buffer) => void seen.push(data.toString()),
      { backoutThreshold: 2 },
      h.qmgr,
    );
    await waitForBatches(h, (r) => r.length > 0);
    expect(seen).toEqual([]);
    expect(h.qmgr.browse('BOQ')).toEqual([
      expect.objectContaining({
        text: 'tired',
        feedback: 65537,
        properties: expect.objectContaining({
          eda_backout_reason: 'BACKOUT_THRESHOLD',
          eda_backout_count: 2,
        }),
      }),
    ]);
  });

  it('retries a retriable failure inside the unit of work, so a short outage costs no backout', async () => {
    let failures = 2;
    h = await startServer(async () => {
      if (failures-- > 0) throw new Error('sink unavailable');
    });
    await putTestMessages(h.qmgr, 'IN', ['a']);
    await waitForBatches(h, (r) => r.length > 0);
    expect(h.reports[0]).toMatchObject({ outcome: 'committed', retries: 2 });
    expect(h.qmgr.depth('IN')).toBe(0);
  });

  it('backs the batch out when retries run out: nothing lost, BackoutCount + 1, redelivered later', async () => {
    let down = true;
    const seen: string[] = [];
    h = await startServer(
      async (data: Buffer) => {
        if (down) throw new Error('sink unavailable');
        seen.push(data.toString());
      },
      { retryBudgetMs: 50, backoutThreshold: 0 },
    );
    await putTestMessages(h.qmgr, 'IN', ['a', 'b']);
    await waitForBatches(h, (r) => r.some((b) => b.outcome === 'backed-out'));
    down = false;
    await waitForBatches(h, (r) => r.some((b) => b.outcome === 'committed'));
    expect(seen).toEqual(['a', 'b']);
    expect(h.qmgr.depth('IN')).toBe(0);
  });

  it('holds the batch while the sink is unavailable: no backout however long, then commits; the poison one alone moves', async () => {
    let down = true;
    let attemptsWhileDown = 0;
    const seen: string[] = [];
    const sink: MqSinkState[] = [];
    // The strictest threshold and a tiny budget: one backout would move every message.
    h = await startServer(
      async (data: Buffer) => {
        if (data.toString() === 'bad') throw new MqPoisonMessageException('INVALID_JSON', 'not JSON');
        if (down) {
          attemptsWhileDown++;
          throw new MqSinkUnavailableException('Kafka unreachable');
        }
        seen.push(data.toString());
      },
      {
        backoutThreshold: 1,
        retryBudgetMs: 10,
        sinkHoldBackoff: { initialDelayMs: 5, maxDelayMs: 20, multiplier: 2, jitter: 0 },
      },
    );
    h.server.on('sink', (state) => sink.push(state));
    await putTestMessages(h.qmgr, 'IN', ['a', 'bad', 'b']);
    await waitUntil('40 attempts while the sink is down', () => attemptsWhileDown >= 40);
    // Far past the retry budget, and still held: locked by the unit of work, never backed out.
    expect(h.reports).toEqual([]);
    expect(h.qmgr.depth('IN')).toBe(0);
    expect(h.qmgr.depth('BOQ')).toBe(0);
    expect(sink).toEqual([expect.objectContaining({ available: false, held: 2 })]);
    down = false;
    await waitForBatches(h, (r) => r.length > 0);
    expect(h.reports).toEqual([
      expect.objectContaining({ outcome: 'committed', handled: 2, movedToBackout: { INVALID_JSON: 1 } }),
    ]);
    expect(seen).toEqual(['a', 'b']);
    expect(h.qmgr.browse('BOQ').map((m) => m.text)).toEqual(['bad']);
    expect(h.qmgr.depth('IN')).toBe(0);
    expect(sink.at(-1)).toEqual({ available: true, held: 0 });
  });

  it('backs a held batch out when closed, so MQ keeps every message for the next consumer', async () => {
    h = await startServer(async () => {
      throw new MqSinkUnavailableException('Kafka unreachable');
    });
    const held = new Promise<void>((resolve) => h?.server.on('sink', () => resolve()));
    await putTestMessages(h.qmgr, 'IN', ['a', 'b']);
    await held;
    await h.server.close();
    expect(h.reports).toEqual([expect.objectContaining({ outcome: 'backed-out', received: 2, handled: 0 })]);
    expect(h.qmgr.browse('IN').map((m) => [m.text, m.backoutCount])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    h = undefined;
  });

  it('reconnects after the connection breaks mid-batch and loses nothing', async () => {
    const seen: string[] = [];
    h = await startServer(async (data: Buffer) => void seen.push(data.toString()), { batchSize: 2 });
    // after: 1 lets the test's own put commit; the server's first commit breaks the connection.
    h.qmgr.failNext({ verb: 'CMIT', mqrc: 2009, after: 1 });
    await putTestMessages(h.qmgr, 'IN', ['a', 'b', 'c']);
    await waitForBatches(
      h,
      (r) => r.filter((b) => b.outcome === 'committed').reduce((n, b) => n + b.handled, 0) === 3,
    );
    expect(h.reports[0]).toMatchObject({ outcome: 'connection-lost' });
    expect(seen.slice(0, 2)).toEqual(['a', 'b']);
    expect([...new Set(seen)].sort()).toEqual(['a', 'b', 'c']); // a and b redelivered: at-least-once
    expect(h.qmgr.depth('IN')).toBe(0);
  });

  it('reports the driver missing at listen, with the message to install the client', async () => {
    const { ServerMQ } = await import('./server-mq');
    const server = new ServerMQ({
      connection: { queueManager: 'QM1', connectionName: 'x(1)', channel: 'C', applicationName: 't' },
      driver: () => {
        throw new Error(
          'IBM MQ C client not found; install the redistributable client or run the mq-bridge image',
        );
      },
      queue: 'IN',
      backoutQueue: 'BOQ',
    });
    const result = await new Promise((resolve) => void server.listen(resolve));
    expect(String((result as Error).message)).toContain('IBM MQ C client not found');
  });
});
