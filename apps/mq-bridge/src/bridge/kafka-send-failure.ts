/**
 * Whose fault a failed Kafka send is, so `ServerMQ` knows what it may cost
 * the MQ messages (see `@eda/mq`'s `classifyHandlerFailure`):
 *
 * - the record's: the broker refused the record itself (too large, invalid,
 *   corrupt, bad timestamp). Sending it again fails the same way, so the
 *   message is poison: {@link MqPoisonMessageException} `KAFKA_REJECTED`;
 * - Kafka's: everything else, from an unreachable broker to a missing topic
 *   or a denied ACL. The message is not to blame and succeeds once an
 *   operator or the broker recovers, so it must not spend its backout
 *   budget: {@link MqSinkUnavailableException}, and `ServerMQ` holds the
 *   unit of work until Kafka takes it.
 */
import { isRetriable } from '@eda/base';
import { MqPoisonMessageException, MqSinkUnavailableException } from '@eda/mq';

/** The backout reason of a record the broker refused. */
export const KAFKA_REJECTED = 'KAFKA_REJECTED';

/**
 * Kafka protocol errors about the record (or the batch holding it), never
 * about the cluster: https://kafka.apache.org/protocol#protocol_error_codes.
 * RECORD_LIST_TOO_LARGE and MESSAGE_TOO_LARGE can come from the batch as a
 * whole, which is why the producer sends a refused batch again one record at
 * a time before calling a record poison.
 */
const RECORD_FAULTS: ReadonlySet<string> = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
]);

/** The protocol error type (`MESSAGE_TOO_LARGE`, ...) anywhere in kafkajs's chain of wrappers. */
function protocolErrorType(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && typeof e === 'object' && e !== null; depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    e = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/** True when the broker refused the record itself; see {@link RECORD_FAULTS}. */
export function isRecordFault(err: unknown): boolean {
  const type = protocolErrorType(err);
  return type !== undefined && RECORD_FAULTS.has(type);
}

/** The exception a handler rejects with when Kafka did not take `records` record(s) for `topic`. */
export function kafkaSendFailure(
  err: unknown,
  records: number,
  topic: string,
): MqPoisonMessageException | MqSinkUnavailableException {
  const detail = err instanceof Error ? err.message : String(err);
  if (isRecordFault(err) && records === 1) {
    return new MqPoisonMessageException(
      KAFKA_REJECTED,
      `Kafka refused the record for ${topic} (${protocolErrorType(err)}): ${detail}`,
    );
  }
  const passing = isRetriable(err, false) ? 'until the broker is back' : 'until an operator fixes Kafka';
  return new MqSinkUnavailableException(
    `Kafka did not acknowledge ${records} record(s) for ${topic}; holding them on MQ ${passing}: ${detail}`,
    err,
  );
}
