/**
 * Puts messages as another application would: through the double's own
 * verbs, on a connection of their own, committed. Tests use it to fill the
 * queue the code under test reads.
 */
import type { MqPropertyValue } from '../client/mq-message';
import { createFakeIbmMq } from './fake-ibmmq';
import type { FakeQueueManager } from './fake-queue-manager';

/** One message to put: a body, or a body and properties. */
export type TestMessage =
  string | Buffer | { body: string | Buffer; properties?: Record<string, MqPropertyValue> };

/** Puts `messages` to `queue` under syncpoint and commits them together. */
export async function putTestMessages(
  qmgr: FakeQueueManager,
  queue: string,
  messages: readonly TestMessage[],
  credentials?: { user: string; password: string },
): Promise<void> {
  const mq = createFakeIbmMq(qmgr);
  const cno = new mq.MQCNO();
  if (credentials) {
    const csp = new mq.MQCSP();
    csp.UserId = credentials.user;
    csp.Password = credentials.password;
    cno.SecurityParms = csp;
  }
  const hConn = await mq.ConnxPromise(qmgr.name, cno);
  const od = new mq.MQOD();
  od.ObjectName = queue;
  const hObj = await mq.OpenPromise(hConn, od, mq.MQC.MQOO_OUTPUT);
  for (const message of messages) {
    const { body, properties } =
      typeof message === 'string' || Buffer.isBuffer(message)
        ? { body: message, properties: undefined }
        : message;
    const md = new mq.MQMD();
    const pmo = new mq.MQPMO();
    pmo.Options = mq.MQC.MQPMO_SYNCPOINT | mq.MQC.MQPMO_NEW_MSG_ID;
    if (properties) {
      const hMsg = mq.CrtMh(hConn, new mq.MQCMHO()) as bigint;
      for (const [name, value] of Object.entries(properties))
        mq.SetMp(hConn, hMsg, new mq.MQSMPO(), name, new mq.MQPD(), value);
      pmo.OriginalMsgHandle = hMsg;
    }
    await mq.PutPromise(hObj, md, pmo, body);
  }
  mq.Cmit(hConn);
  await mq.ClosePromise(hObj, 0);
  await mq.DiscPromise(hConn);
}
