/**
 * Errors of `@eda/mq`, in the style of kafkajs's errors module: one base
 * class, a stable `code`, a `retriable` flag, and a message that names what
 * to do. The base is `@eda/base`'s `EdaError`, shared by every library.
 */
import { EdaError } from '@eda/base';
import { classifyReason, type ReasonClass } from './reason-codes';

/** Base class of every error `@eda/mq` throws. */
export class MqTransportError extends EdaError {}

/** `require('ibmmq')` failed: the MQ C client (libmqm_r) is not installed. Not retriable. */
export class MqDriverUnavailableError extends MqTransportError {
  constructor(cause: unknown) {
    const detail =
      cause instanceof Error || (cause as { message?: unknown })?.message
        ? String((cause as { message: unknown }).message)
        : String(cause);
    super(
      'EDA_MQ_DRIVER_UNAVAILABLE',
      `IBM MQ C client not found; install the redistributable client or run the mq-bridge image (${detail}).`,
      { retriable: false, cause },
    );
  }
}

/** An MQ variable is missing or malformed. Not retriable: fix the environment and restart. */
export class MqConfigError extends MqTransportError {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super('EDA_MQ_CONFIG', `${variable} ${detail}. Fix the environment and restart.`);
  }
}

/**
 * An MQI verb failed. Carries the completion and reason codes, and how the
 * reason is classified ({@link classifyReason}): whether to retry, and whether
 * the connection must be re-established first.
 */
export class MqOperationError extends MqTransportError {
  /** Completion code (MQCC_WARNING 1, MQCC_FAILED 2). */
  readonly mqcc: number;
  /** Reason code, e.g. 2009 for MQRC_CONNECTION_BROKEN. */
  readonly mqrc: number;
  /** The reason's MQI name, e.g. `MQRC_CONNECTION_BROKEN`. */
  readonly reasonName: string;
  /** The verb that failed, e.g. `GET`, `CMIT`. */
  readonly verb: string;
  /** The classification of {@link mqrc}. */
  readonly reason: ReasonClass;

  constructor(verb: string, mqcc: number, mqrc: number, reasonName: string, cause?: unknown) {
    const reason = classifyReason(mqrc);
    super('EDA_MQ_OPERATION', `MQ ${verb} failed with ${reasonName} [${mqrc}]: ${reason.advice}`, {
      retriable: reason.retriable,
      cause,
    });
    this.mqcc = mqcc;
    this.mqrc = mqrc;
    this.reasonName = reasonName;
    this.verb = verb;
    this.reason = reason;
  }

  /** True when the connection is gone and must be re-established (the queue manager backed out the unit of work). */
  get connectionLost(): boolean {
    return this.reason.reconnect;
  }
}

/** The client is closed, or was never connected. Not retriable on this instance. */
export class MqNotConnectedError extends MqTransportError {
  constructor(what: string) {
    super('EDA_MQ_NOT_CONNECTED', `${what}: the MQ client is not connected. Call connect() first.`, {
      retriable: true,
    });
  }
}

/** True for a driver error object (`MQError`): it carries numeric `mqcc` and `mqrc`. */
export function isMqDriverError(
  err: unknown,
): err is { mqcc: number; mqrc: number; mqrcstr?: string; verb?: string; message: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { mqrc?: unknown }).mqrc === 'number' &&
    typeof (err as { mqcc?: unknown }).mqcc === 'number'
  );
}

/** Wraps a driver `MQError` as an {@link MqOperationError}; other errors pass through. */
export function toMqError(err: unknown, verb: string): unknown {
  if (err instanceof MqTransportError || !isMqDriverError(err)) return err;
  return new MqOperationError(err.verb || verb, err.mqcc, err.mqrc, err.mqrcstr || `MQRC ${err.mqrc}`, err);
}

/** True when `err` means the MQ connection is gone (reconnect before anything else). */
export function isMqConnectionLost(err: unknown): boolean {
  return err instanceof MqOperationError && err.connectionLost;
}
