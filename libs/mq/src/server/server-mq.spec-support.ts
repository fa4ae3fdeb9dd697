/** Starts a ServerMQ on the test double with one handler for its queue. */
import { Logger } from '@nestjs/common';
import { createFakeIbmMq, FakeQueueManager } from '../testing';
import { MqQueueManager } from '../client/mq-queue-manager';
import { ServerMQ, type MqBatchReport, type MqServerOptions } from './server-mq';

export interface Harness {
  readonly qmgr: FakeQueueManager;
  readonly server: ServerMQ;
  readonly reports: MqBatchReport[];
  /** Gets and backs out the first message `times` times on a connection of its own. */
  bounce(times: number): Promise<void>;
}

const CONNECTION = {
  queueManager: 'QM1',
  connectionName: 'mq(1414)',
  channel: 'DEV.APP.SVRCONN',
  applicationName: 'test',
};
const FAST = { initialDelayMs: 5, maxDelayMs: 20, multiplier: 2, jitter: 0 };

export async function startServer(
  handler: (data: Buffer) => Promise<unknown>,
  options: Partial<MqServerOptions> = {},
  existing?: FakeQueueManager,
): Promise<Harness> {
  const qmgr = existing ?? new FakeQueueManager('QM1').defineQueue('IN').defineQueue('BOQ');
  const server = new ServerMQ({
    connection: CONNECTION,
    driver: createFakeIbmMq(qmgr),
    queue: 'IN',
    backoutQueue: 'BOQ',
    waitMs: 50,
    pollIntervalMs: 5,
    retryBackoff: FAST,
    reconnectBackoff: FAST,
    ...options,
  });
  server.addHandler('IN', handler as never, true);
  const reports: MqBatchReport[] = [];
  server.on('batch', (r) => reports.push(r));
  await new Promise<void>((resolve, reject) => void server.listen((err) => (err ? reject(err) : resolve())));
  const bounce = async (times: number) => {
    const client = new MqQueueManager({ connection: CONNECTION, driver: createFakeIbmMq(qmgr) });
    await client.connect();
    const input = await client.openInput('IN');
    for (let i = 0; i < times; i++) {
      await client.get(input);
      await client.backout();
    }
    await client.disconnect();
  };
  return { qmgr, server, reports, bounce };
}

/** Polls until `done` holds for the reports so far; fails after 5 s. */
export async function waitForBatches(h: Harness, done: (reports: MqBatchReport[]) => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done(h.reports)) {
    if (Date.now() > deadline) throw new Error(`batch reports never matched: ${JSON.stringify(h.reports)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Polls until `condition` holds; fails naming `what` after 5 s. */
export async function waitUntil(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// The server's warnings are expected here; keep the test output readable.
Logger.overrideLogger(['error']);
