/**
 * What an MQ handler throws to tell `ServerMQ` what to do with the message,
 * in the manner of Nest's `KafkaRetriableException`. Both are `RpcException`s
 * whose `getError()` is the exception itself, so Nest's exception filter hands
 * them to the transport intact (and does not log them as unknown errors).
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
 * Processing failed for a reason outside the message (the sink is down):
 * `ServerMQ` retries the message within the unit of work and, if that does
 * not help in time, backs the batch out, so MQ redelivers it. Any error that
 * is not an {@link MqPoisonMessageException} is treated the same way; this
 * class only keeps Nest from logging it as an unknown error each time.
 */
export class MqRetriableException extends RpcException {
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
