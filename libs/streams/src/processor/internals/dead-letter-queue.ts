import { RecordHeaders } from '../api';
import type { DeadLetterContext, DeadLetterHeadersFn } from '../error-handling';
import { OutgoingRecord } from './record-collector';

/**
 * Dead-letter records, after KIP-1034 (Kafka Streams 4.x,
 * `errors.dead.letter.queue.topic.name`): a record the task cannot read (or,
 * with the processing handler set to `dead-letter`, cannot process) is written
 * to the DLQ topic with its original key and value bytes and its original
 * timestamp, plus headers naming the error and where the record came from.
 *
 * Header names and values are those of Kafka Streams' `ExceptionHandlerUtils`
 * (`__streams.errors.*`; all UTF-8 strings), so tooling written for Kafka
 * Streams' DLQs reads ours. One deliberate difference: Kafka Streams' DLQ
 * record carries only the error headers; ours keeps the original headers too
 * (trace context, producer headers), so a replay can restore the record as
 * it was. Error headers left over from an earlier dead-lettering are replaced.
 */
export const DeadLetterHeaders = Object.freeze({
  /** The error as `String(error)`: `Name: message` (Java's `Throwable.toString()`). */
  EXCEPTION: '__streams.errors.exception',
  /** The error's message. */
  MESSAGE: '__streams.errors.message',
  /** The error's stack trace (truncated to {@link MAX_STACKTRACE_LENGTH}). */
  STACKTRACE: '__streams.errors.stacktrace',
  /** Topic the record was read from. */
  TOPIC: '__streams.errors.topic',
  /** Partition it was read from (decimal). */
  PARTITION: '__streams.errors.partition',
  /** Offset it was read from (decimal). */
  OFFSET: '__streams.errors.offset',
});

/** Stack traces are cut to this length, so a deep stack cannot push the record past the size limit. */
export const MAX_STACKTRACE_LENGTH = 8000;
/** Messages are cut to this length, for the same reason. */
export const MAX_MESSAGE_LENGTH = 4000;

/** Where and how a task writes dead letters. */
export interface DeadLetterQueue {
  readonly topic: string;
  readonly headers?: DeadLetterHeadersFn;
}

/** The DLQ record for a failed input record. */
export function deadLetterRecord(
  dlq: DeadLetterQueue,
  input: {
    readonly key: Buffer | null;
    readonly value: Buffer | null;
    readonly headers: RecordHeaders;
  },
  context: DeadLetterContext,
): OutgoingRecord {
  const { error } = context;
  const headers: Record<string, Buffer | string> = {};
  const ours = new Set<string>(Object.values(DeadLetterHeaders));
  for (const [name, value] of Object.entries(input.headers)) if (!ours.has(name)) headers[name] = value;
  Object.assign(headers, dlq.headers?.(context) ?? {});
  headers[DeadLetterHeaders.EXCEPTION] = String(error).slice(0, MAX_MESSAGE_LENGTH);
  headers[DeadLetterHeaders.MESSAGE] = String(error.message ?? '').slice(0, MAX_MESSAGE_LENGTH);
  headers[DeadLetterHeaders.STACKTRACE] = String(error.stack ?? String(error)).slice(
    0,
    MAX_STACKTRACE_LENGTH,
  );
  headers[DeadLetterHeaders.TOPIC] = context.topic;
  headers[DeadLetterHeaders.PARTITION] = String(context.partition);
  headers[DeadLetterHeaders.OFFSET] = String(context.offset);
  return { topic: dlq.topic, key: input.key, value: input.value, timestamp: context.timestamp, headers };
}

/** Anything thrown, as an Error (a serde may throw a string). */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
