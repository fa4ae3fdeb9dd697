/**
 * The move to the backout queue is atomic: the put to the backout queue and
 * the removal from the input queue are one unit of work. Failures injected
 * through the ibmmq test double between that put and the commit must leave
 * every poison message exactly once on the backout queue in the end, never
 * lost (on neither queue) and never twice (on both, or twice on the backout
 * queue), and the good messages of the batch delivered.
 */
import { putTestMessages } from '../testing';
import { BACKOUT_PROPERTIES } from './backout-message';
import { MqPoisonMessageException } from './mq-exceptions';
import { startServer, waitForBatches, type Harness } from './server-mq.spec-support';

describe('ServerMQ: the move to the backout queue is one unit of work with the commit', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.server.close();
    h = undefined;
  });

  const seen: string[] = [];
  const handler = async (data: Buffer) => {
    const text = data.toString();
    if (text.startsWith('bad')) throw new MqPoisonMessageException('INVALID_JSON', `${text} is not JSON`);
    seen.push(text);
  };

  /** What is on each queue in the end: texts, with the backout reason on the backout queue. */
  const queues = (harness: Harness) => ({
    input: harness.qmgr.browse('IN').map((m) => m.text),
    backout: harness.qmgr
      .browse('BOQ')
      .map((m) => `${m.text}:${String(m.properties[BACKOUT_PROPERTIES.reason])}`)
      .sort(),
  });

  beforeEach(() => {
    seen.length = 0;
  });

  it('loses and duplicates nothing when the connection breaks at the commit, after the put to the backout queue', async () => {
    h = await startServer(handler, { batchSize: 10 });
    // after: 1 lets the test's own put commit; the server's first commit breaks the connection,
    // after its puts to the backout queue: the queue manager backs the whole unit of work out.
    h.qmgr.failNext({ verb: 'CMIT', mqrc: 2009, after: 1 });
    await putTestMessages(h.qmgr, 'IN', ['good-1', 'bad-1', 'good-2', 'bad-2']);
    const harness = h;
    await waitForBatches(harness, (r) => r.some((b) => b.outcome === 'committed'));
    expect(h.reports[0]).toMatchObject({ outcome: 'connection-lost' });
    expect(queues(h)).toEqual({
      input: [],
      // The redelivered copies were moved once more; the first moves vanished with the backout.
      backout: ['bad-1:INVALID_JSON', 'bad-2:INVALID_JSON'],
    });
    expect(h.qmgr.browse('BOQ').map((m) => m.properties[BACKOUT_PROPERTIES.backoutCount])).toEqual([1, 1]);
    expect([...new Set(seen)].sort()).toEqual(['good-1', 'good-2']); // at-least-once for the good ones
  });

  it('loses and duplicates nothing when the second put to the backout queue fails after the first succeeded', async () => {
    h = await startServer(handler, { batchSize: 10 });
    // The first put to BOQ succeeds (under syncpoint), the second finds the queue full: the batch is
    // backed out, taking the first put with it, and comes again.
    h.qmgr.failNext({ verb: 'PUT', mqrc: 2053, queue: 'BOQ', after: 1 });
    await putTestMessages(h.qmgr, 'IN', ['bad-1', 'good-1', 'bad-2']);
    const harness = h;
    await waitForBatches(harness, (r) => r.some((b) => b.outcome === 'committed'));
    expect(h.reports[0]).toMatchObject({ outcome: 'failed' });
    expect(queues(h)).toEqual({ input: [], backout: ['bad-1:INVALID_JSON', 'bad-2:INVALID_JSON'] });
  });
});
