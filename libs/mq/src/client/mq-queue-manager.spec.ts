import { createFakeIbmMq, FakeQueueManager, putTestMessages } from '../testing';
import { MqOperationError } from '../errors/mq-errors';
import { MqQueueManager } from './mq-queue-manager';
import type { MqConnectionConfig } from './mq-connection-config';

const CONNECTION: MqConnectionConfig = {
  queueManager: 'QM1',
  connectionName: 'mq(1414)',
  channel: 'DEV.APP.SVRCONN',
  user: 'app',
  password: 'passw0rd',
  applicationName: 'test',
};
const APP = { user: 'app', password: 'passw0rd' };
const FAST = { initialDelayMs: 5, maxDelayMs: 20, multiplier: 2, jitter: 0 };

describe('MqQueueManager against the ibmmq test double', () => {
  let qmgr: FakeQueueManager;
  let client: MqQueueManager;

  beforeEach(() => {
    qmgr = new FakeQueueManager('QM1', { channels: ['DEV.APP.SVRCONN'], users: { app: 'passw0rd' } })
      .defineQueue('IN')
      .defineQueue('OUT');
    client = new MqQueueManager({
      connection: CONNECTION,
      driver: createFakeIbmMq(qmgr),
      pollIntervalMs: 10,
      backoff: FAST,
    });
  });
  afterEach(() => client.disconnect());

  it('connects as a client with the channel and credentials, and fails clearly without them', async () => {
    await client.connect();
    expect(qmgr.connectionCount).toBe(1);
    const wrong = new MqQueueManager({
      connection: { ...CONNECTION, password: 'nope' },
      driver: createFakeIbmMq(qmgr),
    });
    await expect(wrong.connect()).rejects.toMatchObject({
      mqrc: 2035,
      retriable: false,
      message: expect.stringContaining('MQ_USER'),
    });
  });

  it('inquires a queue depth (MQINQ CURRENT_Q_DEPTH): committed messages only', async () => {
    await client.connect();
    expect(await client.queueDepth('IN')).toBe(0);
    await putTestMessages(qmgr, 'IN', ['one', 'two', 'three'], APP);
    expect(await client.queueDepth('IN')).toBe(3);
    const inQueue = await client.openInput('IN');
    await client.get(inQueue);
    await client.commit();
    expect(await client.queueDepth('IN')).toBe(2);
    await expect(client.queueDepth('MISSING')).rejects.toMatchObject({ mqrc: 2085 });
  });

  it('gets under syncpoint: commit removes, backout returns with BackoutCount + 1', async () => {
    await putTestMessages(qmgr, 'IN', ['one', 'two'], APP);
    await client.connect();
    const input = await client.openInput('IN');
    expect((await client.get(input))?.body.toString()).toBe('one');
    await client.commit();
    expect((await client.get(input))?.body.toString()).toBe('two');
    await client.backout();
    expect(qmgr.browse('IN').map((m) => [m.text, m.backoutCount])).toEqual([['two', 1]]);
    expect((await client.get(input))?.backoutCount).toBe(1);
  });

  it('waits by polling and resolves undefined when nothing arrives (MQRC_NO_MSG_AVAILABLE)', async () => {
    await client.connect();
    const input = await client.openInput('IN');
    const started = Date.now();
    expect(await client.get(input, { waitMs: 80 })).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    setTimeout(() => void putTestMessages(qmgr, 'IN', ['late'], APP), 30);
    expect((await client.get(input, { waitMs: 2000 }))?.body.toString()).toBe('late');
  });

  it('puts with properties, invisible until commit, and reads them back', async () => {
    await client.connect();
    const out = await client.openOutput('OUT');
    await client.put(out, { body: '{"a":1}', properties: { traceparent: '00-abc-def-01', eda_n: 2 } });
    expect(qmgr.depth('OUT')).toBe(0);
    await client.commit();
    const reader = new MqQueueManager({
      connection: CONNECTION,
      driver: createFakeIbmMq(qmgr),
      propertyNames: ['traceparent', 'eda_n', 'absent'],
    });
    await reader.connect();
    const message = await reader.get(await reader.openInput('OUT'), { syncpoint: false });
    expect(message).toMatchObject({
      format: 'MQSTR',
      persistent: true,
      properties: { traceparent: '00-abc-def-01', eda_n: '2' },
    });
    await reader.disconnect();
  });

  it('fetches a message bigger than its buffer in full', async () => {
    const big = 'x'.repeat(200_000);
    await putTestMessages(qmgr, 'IN', [big], APP);
    await client.connect();
    expect((await client.get(await client.openInput('IN')))?.body.length).toBe(200_000);
  });

  it('backs out on disconnect (a plain MQDISC would commit)', async () => {
    await putTestMessages(qmgr, 'IN', ['kept'], APP);
    await client.connect();
    await client.get(await client.openInput('IN'));
    await client.disconnect();
    expect(qmgr.browse('IN').map((m) => [m.text, m.backoutCount])).toEqual([['kept', 1]]);
  });

  it('reports a broken connection as connectionLost, and reconnects re-opening its queues', async () => {
    await putTestMessages(qmgr, 'IN', ['a'], APP);
    await client.connect();
    const input = await client.openInput('IN');
    qmgr.failNext({ verb: 'GET', mqrc: 2009 });
    const err = await client.get(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MqOperationError);
    expect(err).toMatchObject({ mqrc: 2009, connectionLost: true, retriable: true });
    qmgr.stop();
    setTimeout(() => qmgr.start(), 50);
    const failures: number[] = [];
    expect(await client.reconnect(undefined, (e) => failures.push((e as MqOperationError).mqrc))).toBe(true);
    expect(failures[0]).toBe(2059);
    expect((await client.get(input))?.body.toString()).toBe('a');
  });

  it('stops retrying a connection when aborted', async () => {
    qmgr.stop();
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    expect(await client.connectWithRetry(abort.signal)).toBe(false);
  });
});
