/**
 * How each MQ reason code is handled: the table the client and the server
 * consult after a failed verb. Codes and names are from the MQI reference
 * (https://www.ibm.com/docs/en/ibm-mq/latest?topic=codes-reason-code-list).
 *
 * - `reconnect`: the connection handle is unusable (broken, queue manager
 *   quiescing or stopping, host unreachable). The queue manager backs out the
 *   connection's unit of work; re-connect with backoff, re-open the queues.
 * - `retry`: the connection is fine, the operation may succeed later (queue
 *   full, resource shortage, unit of work backed out by the queue manager).
 * - `fatal`: retrying the same call will fail the same way until someone
 *   changes configuration or security (unknown queue, not authorised, TLS).
 *
 * A code not in the table is treated as fatal: an error we do not understand
 * must be looked at, not looped on silently.
 */

/** What to do about a reason code. */
export type ReasonAction = 'reconnect' | 'retry' | 'fatal';

/** The classification of one reason code. */
export interface ReasonClass {
  readonly action: ReasonAction;
  /** True for `reconnect` and `retry`. */
  readonly retriable: boolean;
  /** True for `reconnect`. */
  readonly reconnect: boolean;
  /** What the operator or the code should do. */
  readonly advice: string;
}

const RECONNECT =
  'the connection to the queue manager is gone; reconnecting with backoff (uncommitted work was backed out by the queue manager)';
const RETRY = 'the queue manager cannot do this now; retrying later';

/** Reason code → action and advice. */
export const REASON_TABLE: ReadonlyMap<number, { action: ReasonAction; advice: string }> = new Map([
  // Connection lost or going away: reconnect.
  [2009, { action: 'reconnect', advice: RECONNECT }], // MQRC_CONNECTION_BROKEN
  [2018, { action: 'reconnect', advice: RECONNECT }], // MQRC_HCONN_ERROR (handle of a broken connection)
  [2019, { action: 'reconnect', advice: RECONNECT }], // MQRC_HOBJ_ERROR (object handle lost with it)
  [
    2059,
    {
      action: 'reconnect',
      advice:
        'the queue manager is not available (not running, or MQ_QMGR/MQ_CONN_NAME point elsewhere); reconnecting with backoff',
    },
  ], // MQRC_Q_MGR_NOT_AVAILABLE
  [2161, { action: 'reconnect', advice: 'the queue manager is quiescing; reconnecting with backoff' }], // MQRC_Q_MGR_QUIESCING
  [2162, { action: 'reconnect', advice: 'the queue manager is stopping; reconnecting with backoff' }], // MQRC_Q_MGR_STOPPING
  [2202, { action: 'reconnect', advice: 'the connection is quiescing; reconnecting with backoff' }], // MQRC_CONNECTION_QUIESCING
  [2203, { action: 'reconnect', advice: 'the connection is stopping; reconnecting with backoff' }], // MQRC_CONNECTION_STOPPING
  [
    2537,
    {
      action: 'reconnect',
      advice:
        'the channel is not available (MAXINST/MAXINSTC reached, or stopped); reconnecting with backoff',
    },
  ], // MQRC_CHANNEL_NOT_AVAILABLE
  [
    2538,
    { action: 'reconnect', advice: 'the host in MQ_CONN_NAME is not reachable; reconnecting with backoff' },
  ], // MQRC_HOST_NOT_AVAILABLE
  [
    2543,
    {
      action: 'reconnect',
      advice: 'reached the standby instance of a multi-instance queue manager; reconnecting with backoff',
    },
  ], // MQRC_STANDBY_Q_MGR
  [2544, { action: 'reconnect', advice: RECONNECT }], // MQRC_RECONNECTING
  [2548, { action: 'reconnect', advice: RECONNECT }], // MQRC_RECONNECT_FAILED
  // The connection is fine; try again later.
  [
    2003,
    {
      action: 'retry',
      advice: 'the queue manager backed the unit of work out; its messages are back on the queue',
    },
  ], // MQRC_BACKED_OUT
  [2016, { action: 'retry', advice: 'gets are inhibited on the queue (GET(DISABLED)); retrying later' }], // MQRC_GET_INHIBITED
  [
    2024,
    { action: 'retry', advice: 'the unit of work reached MAXUMSGS; lower the batch size (MQ_BATCH_SIZE)' },
  ], // MQRC_SYNCPOINT_LIMIT_REACHED
  [2042, { action: 'retry', advice: 'the queue is open exclusively by another application; retrying later' }], // MQRC_OBJECT_IN_USE
  [2051, { action: 'retry', advice: 'puts are inhibited on the queue (PUT(DISABLED)); retrying later' }], // MQRC_PUT_INHIBITED
  [2053, { action: 'retry', advice: 'the queue is full (MAXDEPTH); retrying later' }], // MQRC_Q_FULL
  [2071, { action: 'retry', advice: RETRY }], // MQRC_STORAGE_NOT_AVAILABLE
  [2102, { action: 'retry', advice: RETRY }], // MQRC_RESOURCE_PROBLEM
  // Configuration or security: fix, then restart.
  [
    2012,
    {
      action: 'fatal',
      advice: 'the MQ environment is wrong for this call (client vs bindings); check MQ_CONN_NAME',
    },
  ], // MQRC_ENVIRONMENT_ERROR
  [2030, { action: 'fatal', advice: 'the message is larger than the queue MAXMSGL' }], // MQRC_MSG_TOO_BIG_FOR_Q
  [2031, { action: 'fatal', advice: 'the message is larger than the queue manager MAXMSGL' }], // MQRC_MSG_TOO_BIG_FOR_Q_MGR
  [
    2035,
    {
      action: 'fatal',
      advice:
        'not authorised: check MQ_USER, the password (MQ_PASSWORD_FILE), CHLAUTH and the queue authority records',
    },
  ], // MQRC_NOT_AUTHORIZED
  [2037, { action: 'fatal', advice: 'the queue was not opened for input' }], // MQRC_NOT_OPEN_FOR_INPUT
  [2039, { action: 'fatal', advice: 'the queue was not opened for output' }], // MQRC_NOT_OPEN_FOR_OUTPUT
  [2046, { action: 'fatal', advice: 'invalid MQI options (a bug in the caller)' }], // MQRC_OPTIONS_ERROR
  [
    2058,
    {
      action: 'fatal',
      advice: 'the queue manager name does not match the one at MQ_CONN_NAME; check MQ_QMGR',
    },
  ], // MQRC_Q_MGR_NAME_ERROR
  [2063, { action: 'fatal', advice: 'a security error occurred; check the queue manager error log' }], // MQRC_SECURITY_ERROR
  [
    2085,
    {
      action: 'fatal',
      advice: 'the queue is not defined; check MQ_QUEUE / MQ_BACKOUT_QUEUE and the MQSC definitions',
    },
  ], // MQRC_UNKNOWN_OBJECT_NAME
  [
    2195,
    { action: 'fatal', advice: 'the MQ client hit an unexpected error; check its error log (AMQERR01.LOG)' },
  ], // MQRC_UNEXPECTED_ERROR
  [2381, { action: 'fatal', advice: 'the TLS key repository cannot be used; check MQ_KEY_REPOSITORY' }], // MQRC_KEY_REPOSITORY_ERROR
  [
    2393,
    { action: 'fatal', advice: 'TLS initialisation failed; check MQ_CIPHER_SPEC and MQ_KEY_REPOSITORY' },
  ], // MQRC_SSL_INITIALIZATION_ERROR
  [2400, { action: 'fatal', advice: 'the TLS cipher in MQ_CIPHER_SPEC is not supported' }], // MQRC_UNSUPPORTED_CIPHER_SUITE
  [2539, { action: 'fatal', advice: 'the channel definition is invalid; check MQ_CHANNEL and MQ_CONN_NAME' }], // MQRC_CHANNEL_CONFIG_ERROR
  [
    2540,
    { action: 'fatal', advice: 'the queue manager has no such server-connection channel; check MQ_CHANNEL' },
  ], // MQRC_UNKNOWN_CHANNEL_NAME
]);

/** The classification of `mqrc` per {@link REASON_TABLE}; unknown codes are fatal. */
export function classifyReason(mqrc: number): ReasonClass {
  const entry = REASON_TABLE.get(mqrc) ?? {
    action: 'fatal' as const,
    advice:
      'this reason code is not one the bridge knows how to recover from; see the MQ reason code reference',
  };
  return {
    action: entry.action,
    retriable: entry.action !== 'fatal',
    reconnect: entry.action === 'reconnect',
    advice: entry.advice,
  };
}
