/**
 * Whose fault a handler failure is, which decides what it may cost the
 * message. IBM MQ has one budget per message, BackoutCount against the
 * queue's BOTHRESH, and every backout spends it whatever the reason. A sink
 * outage is not the message's fault, so it must not spend that budget:
 * otherwise a Kafka outage longer than a few backouts would move valid
 * messages to the backout queue (issue 12).
 *
 * | class              | raised by                                         | what ServerMQ does                                                        |
 * |--------------------|---------------------------------------------------|---------------------------------------------------------------------------|
 * | `poison`           | `MqPoisonMessageException` (undecodable, invalid) | counts it (`movedToBackout`) and moves it to the backout queue in the batch's commit |
 * | `sink-unavailable` | `MqSinkUnavailableException` (Kafka, registry)    | holds the unit of work, gets nothing more, retries with backoff until the sink takes it; no backout, BackoutCount unchanged |
 * | `unknown`          | anything else (a bug, an unclassified error)      | retries within `retryBudgetMs`, then backs out: BackoutCount + 1, and the threshold moves a message that keeps failing |
 *
 * This is what the Kafka Connect MQ source connector does: Connect's
 * producer for a source task retries without limit, and the connector
 * commits the JMS session only once Kafka acknowledged every record of the
 * batch, so during an outage the messages stay locked under syncpoint and
 * the queue manager never redelivers them; only a crash, a lost connection
 * or a record that cannot be converted costs a redelivery.
 */
import { isPoison, isSinkUnavailable } from './mq-exceptions';

/** See the module comment. */
export type HandlerFailureClass = 'poison' | 'sink-unavailable' | 'unknown';

/** Classifies what a handler threw (or the Observable it returned errored with). */
export function classifyHandlerFailure(err: unknown): HandlerFailureClass {
  if (isPoison(err)) return 'poison';
  if (isSinkUnavailable(err)) return 'sink-unavailable';
  return 'unknown';
}
