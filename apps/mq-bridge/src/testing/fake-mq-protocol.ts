/**
 * What the test and the bridge process on the `ibmmq` test double share: the
 * queue manager's names and credentials, and the IPC messages with which the
 * test puts to and browses the double's queues.
 */

/** The double's queue manager, as the bridge's MQ_* variables name it. */
export const FAKE_MQ = Object.freeze({
  env: Object.freeze({
    MQ_QMGR: 'QM1',
    MQ_CONN_NAME: 'mq(1414)',
    MQ_CHANNEL: 'DEV.APP.SVRCONN',
    MQ_USER: 'app',
    MQ_PASSWORD: 'passw0rd',
    MQ_QUEUE: 'DEV.ITEMS',
    MQ_BACKOUT_QUEUE: 'DEV.ITEMS.BACKOUT',
  }),
});

/** A committed message on a queue of the double. */
export interface BrowsedMessage {
  readonly text: string;
  readonly backoutCount: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** A message to put: its text, or its text and message properties (e.g. `traceparent`). */
export type PutMessage = string | { readonly body: string; readonly properties?: Record<string, string> };

/** What the test asks of the bridge process's queue manager. */
export type QueueCall =
  | { readonly op: 'put'; readonly queue: string; readonly bodies: readonly PutMessage[] }
  | { readonly op: 'browse'; readonly queue: string };

/** A {@link QueueCall} on the IPC channel, with the id its reply carries. */
export type QueueRequest = QueueCall & { readonly id: number };

/** The answer: messages put, or the queue's committed messages. */
export interface QueueReply {
  readonly id: number;
  readonly result?: number | BrowsedMessage[];
  readonly error?: string;
}
