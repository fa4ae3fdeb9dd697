/**
 * What an MQ handler throws to tell `ServerMQ` what to do with the message,
 * in the manner of Nest's `KafkaRetriableException`. All three are
 * `RpcException`s whose `getError()` is the exception itself, so Nest's
 * exception filter hands them to the transport intact (and does not log them
 * as unknown errors). Whose fault the failure is decides what it costs the
 * message (see `handler-failure.ts`):
 *
 * | exception                      | whose fault         | ServerMQ                                                    |
 * |--------------------------------|---------------------|-------------------------------------------------------------|
 * | `MqPoisonMessageException`     | the message's       | moves it to the backout queue at once                       |
 * | `MqSinkUnavailableException`   | the sink's (Kafka)  | holds the unit of work and retries; BackoutCount unchanged  |
 * | `MqRetriableException`, other  | unknown             | retries within the budget, then backs out (BackoutCount + 1) |
 */
import { RpcException } from '@nestjs/microservices';

/**
 * The message itself is bad (unparseable, invalid) and will never succeed:
 * `ServerMQ` moves it to the backout queue, with `reason` and the message in
 * its properties, in the same unit of work as the batch's commit.
 */
export class MqPoisonMessageException extends RpcException {
  /** Marker the server checks, so it also works across copies of this library. */
  readonly poison = true;
  /** The same message fails the same way every time. */
  readonly retriable = false;

  constructor(
    /** Short machine-readable reason, e.g. `INVALID_JSON`; stored as the `eda_backout_reason` property. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'MqPoisonMessageException';
  }

  override getError(): object {
    return this;
  }
}

/**
 * The sink cannot take the message now (Kafka or the schema registry is
 * unreachable, the producer is not connected), and the message has nothing to
 * do with it. `ServerMQ` keeps the unit of work open, so the messages stay
 * locked under syncpoint and their BackoutCount does not grow, gets nothing
 * more, and retries with backoff until the sink takes them (or the server
 * closes): an outage of any length never spends a message's backout budget.
 */
export class MqSinkUnavailableException extends RpcException {
  /** Marker the server checks, so it also works across copies of this library. */
  readonly sinkUnavailable = true;
  /** The same message succeeds once the sink is back. */
  readonly retriable = true;

  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'MqSinkUnavailableException';
    if (cause !== undefined) this.cause = cause;
  }

  override getError(): object {
    return this;
  }
}

/**
 * Processing failed, and it is not known whether the message is to blame:
 * `ServerMQ` retries it within the unit of work and, if that does not help
 * within `retryBudgetMs`, backs the batch out, so MQ redelivers it with
 * BackoutCount + 1 and the backout threshold eventually moves a message that
 * always fails. Any error that is neither poison nor
 * {@link MqSinkUnavailableException} is treated the same way; this class only
 * keeps Nest from logging it as an unknown error each time.
 */
export class MqRetriableException extends RpcException {
  /** A later attempt may succeed. */
  readonly retriable = true;

  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'MqRetriableException';
    if (cause !== undefined) this.cause = cause;
  }

  override getError(): object {
    return this;
  }
}

/** True for an {@link MqPoisonMessageException} (or anything carrying `poison: true`). */
export function isPoison(err: unknown): err is { reason?: unknown; message?: unknown } {
  return typeof err === 'object' && err !== null && (err as { poison?: unknown }).poison === true;
}

/** True for an {@link MqSinkUnavailableException} (or anything carrying `sinkUnavailable: true`). */
export function isSinkUnavailable(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { sinkUnavailable?: unknown }).sinkUnavailable === true
  );
}
