/**
 * The message `ServerMQ` puts on the backout queue in place of a poison
 * message: the same body, MsgId, CorrelId, format and persistence (so an
 * operator can correlate and replay it), plus why it was moved.
 *
 * | where                  | value                                                           |
 * |------------------------|-----------------------------------------------------------------|
 * | `eda_backout_reason`   | e.g. `BACKOUT_THRESHOLD`, `INVALID_JSON`, `INVALID_RECORD`      |
 * | `eda_backout_detail`   | the error message (at most 1000 characters)                     |
 * | `eda_source_queue`     | the queue it was got from                                       |
 * | `eda_backout_count`    | its BackoutCount when moved (the copy starts again at 0)        |
 * | `traceparent`, ...     | the properties read from the original                           |
 * | MQMD.Feedback          | `MQFB_APPL_FIRST + 1` threshold, `+ 2` invalid message          |
 */
import type { MqConstants } from '../external/ibmmq.interface';
import type { MqMessage, MqOutgoingMessage } from '../client/mq-message';

/** Reasons `ServerMQ` itself assigns. Handlers may use their own (`MqPoisonMessageException.reason`). */
export const BACKOUT_REASONS = Object.freeze({
  /** BackoutCount reached the threshold. */
  threshold: 'BACKOUT_THRESHOLD',
  /** A poison exception without a reason. */
  invalid: 'INVALID_MESSAGE',
});

/** Names of the properties set on a moved message. */
export const BACKOUT_PROPERTIES = Object.freeze({
  reason: 'eda_backout_reason',
  detail: 'eda_backout_detail',
  sourceQueue: 'eda_source_queue',
  backoutCount: 'eda_backout_count',
});

const MAX_DETAIL = 1000;

/** Builds the backout-queue copy of `message`. */
export function backoutMessage(
  message: MqMessage,
  sourceQueue: string,
  reason: string,
  error: unknown,
  MQC: MqConstants,
): MqOutgoingMessage {
  const detail =
    error instanceof Error
      ? error.message
      : typeof error === 'string'
        ? error
        : String((error as { message?: unknown })?.message ?? error);
  return {
    body: message.body,
    ...(message.format ? { format: message.format.padEnd(8, ' ') } : {}),
    msgId: message.msgId,
    correlId: message.correlId,
    persistent: message.persistent,
    feedback: MQC.MQFB_APPL_FIRST + (reason === BACKOUT_REASONS.threshold ? 1 : 2),
    properties: {
      ...message.properties,
      [BACKOUT_PROPERTIES.reason]: reason,
      [BACKOUT_PROPERTIES.detail]: detail.slice(0, MAX_DETAIL),
      [BACKOUT_PROPERTIES.sourceQueue]: sourceQueue,
      [BACKOUT_PROPERTIES.backoutCount]: message.backoutCount,
    },
  };
}
