/**
 * The double follows the MQI's unit-of-work rules and ibmmq's calling
 * conventions. Each test drives it through the same verbs real code uses.
 */
import { createFakeIbmMq, FakeQueueManager, putTestMessages, type FakeIbmMq } from '.';

type Handles = { hConn: object; hObj: object };

describe('ibmmq test double', () => {
  let qmgr: FakeQueueManager;
  let mq: FakeIbmMq;

  beforeEach(() => {
    qmgr = new FakeQueueManager('QM1').defineQueue('Q');
    mq = createFakeIbmMq(qmgr);
  });

  async function open(options = mq.MQC.MQOO_INPUT_SHARED | mq.MQC.MQOO_OUTPUT): Promise<Handles> {
    const hConn = await mq.ConnxPromise('QM1', new mq.MQCNO());
    const od = new mq.MQOD();
    od.ObjectName = 'Q';
    return { hConn, hObj: await mq.OpenPromise(hConn, od, options) };
  }

  function get(
    h: Handles,
    syncpoint: boolean,
    buf = Buffer.alloc(1024),
  ): { text?: string; mqrc?: number; backoutCount?: number } {
    const md = new mq.MQMD();
    const gmo = new mq.MQGMO();
    gmo.Options = (syncpoint ? mq.MQC.MQGMO_SYNCPOINT : mq.MQC.MQGMO_NO_SYNCPOINT) | mq.MQC.MQGMO_NO_WAIT;
    let out: { text?: string; mqrc?: number; backoutCount?: number } = {};
    mq.GetSync(h.hObj, md, gmo, buf, (err, len) => {
      out = err ? { mqrc: err.mqrc } : { text: buf.toString('utf8', 0, len), backoutCount: md.BackoutCount };
    });
    return out;
  }

  async function put(h: Handles, body: string, syncpoint: boolean): Promise<void> {
    const pmo = new mq.MQPMO();
    pmo.Options = syncpoint ? mq.MQC.MQPMO_SYNCPOINT : mq.MQC.MQPMO_NO_SYNCPOINT;
    await mq.PutPromise(h.hObj, new mq.MQMD(), pmo, body);
  }

  it('hides a message got under syncpoint from other getters until backout, which restores it with BackoutCount + 1', async () => {
    await putTestMessages(qmgr, 'Q', ['a', 'b']);
    const one = await open();
    const two = await open();
    expect(get(one, true)).toEqual({ text: 'a', backoutCount: 0 });
    expect(get(two, true)).toEqual({ text: 'b', backoutCount: 0 });
    expect(get(two, true)).toEqual({ mqrc: 2033 });
    mq.Back(one.hConn);
    expect(get(two, false)).toEqual({ text: 'a', backoutCount: 1 });
    mq.Cmit(two.hConn);
    expect(qmgr.depth('Q')).toBe(0);
  });

  it('keeps the queue order when a backed-out message returns', async () => {
    await putTestMessages(qmgr, 'Q', ['a', 'b', 'c']);
    const h = await open();
    get(h, true);
    get(h, true);
    mq.Back(h.hConn);
    expect(qmgr.browse('Q').map((m) => [m.text, m.backoutCount])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 0],
    ]);
  });

  it('makes a put under syncpoint visible only at commit, and discards it on backout', async () => {
    const producer = await open();
    const consumer = await open();
    await put(producer, 'kept', true);
    expect(get(consumer, false)).toEqual({ mqrc: 2033 });
    mq.Cmit(producer.hConn);
    await put(producer, 'dropped', true);
    mq.Back(producer.hConn);
    expect(qmgr.browse('Q').map((m) => m.text)).toEqual(['kept']);
  });

  it('commits the unit of work on MQDISC, as IBM MQ does for a normal disconnect', async () => {
    await putTestMessages(qmgr, 'Q', ['a']);
    const h = await open();
    get(h, true);
    await put(h, 'b', true);
    await mq.DiscPromise(h.hConn);
    expect(qmgr.browse('Q').map((m) => m.text)).toEqual(['b']);
  });

  it('backs the unit of work out when the connection breaks, and fails later calls with 2009', async () => {
    await putTestMessages(qmgr, 'Q', ['a']);
    const h = await open();
    get(h, true);
    qmgr.failNext({ verb: 'GET', mqrc: 2009 });
    expect(get(h, true)).toEqual({ mqrc: 2009 });
    expect(() => mq.Cmit(h.hConn)).toThrow(expect.objectContaining({ mqrc: 2009, verb: 'CMIT' }));
    expect(qmgr.browse('Q').map((m) => [m.text, m.backoutCount])).toEqual([['a', 1]]);
  });

  it('blocks a GetSync with MQGMO_WAIT for the wait interval, then answers 2033', async () => {
    const h = await open();
    const gmo = new mq.MQGMO();
    gmo.Options = mq.MQC.MQGMO_WAIT;
    gmo.WaitInterval = 150;
    const started = Date.now();
    expect(() => mq.GetSync(h.hObj, new mq.MQMD(), gmo, Buffer.alloc(10))).toThrow(
      expect.objectContaining({ mqrc: 2033 }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('leaves a message too big for the buffer on the queue with 2080 and its length', async () => {
    await putTestMessages(qmgr, 'Q', ['0123456789']);
    const h = await open();
    let seen: [number | undefined, number] = [undefined, 0];
    mq.GetSync(
      h.hObj,
      new mq.MQMD(),
      new mq.MQGMO(),
      Buffer.alloc(4),
      (err, len) => (seen = [err?.mqrc, len]),
    );
    expect(seen).toEqual([2080, 10]);
    expect(qmgr.depth('Q')).toBe(1);
  });

  it('carries message properties through handles, and reports an absent one as 2471', async () => {
    await putTestMessages(qmgr, 'Q', [{ body: 'x', properties: { traceparent: 'tp', n: 3 } }]);
    const h = await open();
    const hMsg = mq.CrtMh(h.hConn, new mq.MQCMHO()) as bigint;
    const gmo = new mq.MQGMO();
    gmo.Options = mq.MQC.MQGMO_PROPERTIES_IN_HANDLE;
    gmo.MsgHandle = hMsg;
    mq.GetSync(h.hObj, new mq.MQMD(), gmo, Buffer.alloc(10));
    const values: unknown[] = [];
    for (const name of ['traceparent', 'n', 'missing']) {
      mq.InqMp(h.hConn, hMsg, new mq.MQIMPO(), new mq.MQPD(), name, Buffer.alloc(64), (err, _n, value) =>
        values.push(err ? err.mqrc : value),
      );
    }
    expect(values).toEqual(['tp', 3, 2471]);
  });

  it('checks parameters and seals structures like ibmmq', async () => {
    const h = await open();
    expect(() => mq.GetSync(h.hObj, {} as never, new mq.MQGMO(), Buffer.alloc(1))).toThrow(TypeError);
    expect(() => Object.assign(new mq.MQMD(), { NoSuchField: 1 })).toThrow(TypeError);
    await expect(mq.ConnxPromise('OTHER', new mq.MQCNO())).rejects.toMatchObject({ mqrc: 2058 });
  });

  it('refuses connections while stopped, and rejects unknown queues with 2085', async () => {
    qmgr.stop();
    await expect(mq.ConnxPromise('QM1', new mq.MQCNO())).rejects.toMatchObject({ mqrc: 2059 });
    qmgr.start();
    const hConn = await mq.ConnxPromise('QM1', new mq.MQCNO());
    const od = new mq.MQOD();
    od.ObjectName = 'NOPE';
    await expect(mq.OpenPromise(hConn, od, mq.MQC.MQOO_OUTPUT)).rejects.toMatchObject({
      mqrc: 2085,
      verb: 'OPEN',
    });
  });
});
