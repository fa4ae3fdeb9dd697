import { firstValueFrom } from 'rxjs';
import { createFakeIbmMq, FakeQueueManager } from '../testing';
import { ClientMQ } from './client-mq';

const CONNECTION = {
  queueManager: 'QM1',
  connectionName: 'mq(1414)',
  channel: 'DEV.APP.SVRCONN',
  applicationName: 'sim',
};

describe('ClientMQ', () => {
  let qmgr: FakeQueueManager;
  let client: ClientMQ;

  beforeEach(() => {
    qmgr = new FakeQueueManager().defineQueue('DEV.ITEMS');
    client = new ClientMQ({ connection: CONNECTION, driver: createFakeIbmMq(qmgr) });
  });
  afterEach(() => client.close());

  it('emits an object as a committed, persistent JSON text message on the queue named by the pattern', async () => {
    await firstValueFrom(client.emit('DEV.ITEMS', { id: 'a', quantity: 1 }), { defaultValue: undefined });
    expect(qmgr.browse('DEV.ITEMS')).toEqual([
      expect.objectContaining({ text: '{"id":"a","quantity":1}', format: 'MQSTR' }),
    ]);
  });

  it('puts a batch in one unit of work: a failure part-way leaves nothing on the queue', async () => {
    qmgr.failNext({ verb: 'PUT', mqrc: 2053, after: 2 });
    await expect(client.emitBatch('DEV.ITEMS', [1, 2, 3, 4])).rejects.toMatchObject({
      mqrc: 2053,
      retriable: true,
    });
    expect(qmgr.depth('DEV.ITEMS')).toBe(0);
    await client.emitBatch('DEV.ITEMS', [1, 2, 3, 4]);
    expect(qmgr.browse('DEV.ITEMS').map((m) => m.text)).toEqual(['1', '2', '3', '4']);
  });

  it('reconnects on the next call after the connection broke', async () => {
    await client.emitBatch('DEV.ITEMS', ['a']);
    qmgr.breakConnections();
    await expect(client.emitBatch('DEV.ITEMS', ['b'])).rejects.toMatchObject({ mqrc: 2009 });
    await client.emitBatch('DEV.ITEMS', ['c']);
    expect(qmgr.browse('DEV.ITEMS').map((m) => m.text)).toEqual(['a', 'c']);
  });

  it('refuses request-response with a clear error', async () => {
    await expect(firstValueFrom(client.send('DEV.ITEMS', {}))).rejects.toMatch(/emit\(\) .* only/);
  });
});
