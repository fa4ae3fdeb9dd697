/**
 * The public types of the engine's error handling (Kafka Streams'
 * deserialization and processing exception handlers, KIP-1033, and its
 * dead-letter queue, KIP-1034). The runtime that applies them lives in
 * `internals/` (stream-task.ts, dead-letter-queue.ts).
 */

/**
 * What to do with a record whose key or value cannot be deserialized (Kafka
 * Streams' `LogAndFail`/`LogAndContinue` handlers): `fail` the instance, skip
 * it and `continue` (counted in `streams.records.dropped`), or write it to the
 * dead-letter topic and continue (`dead-letter`, KIP-1034; counted in
 * `streams.records.dead_lettered`).
 */
export type DeserializationErrorPolicy = 'fail' | 'continue' | 'dead-letter';

/**
 * What to do when processing a record throws (KIP-1033's processing exception
 * handler): the same three choices. Errors marked `retriable`, and the
 * engine's fatal ones, always propagate: the runtime handles those itself.
 */
export type ProcessingErrorPolicy = DeserializationErrorPolicy;

/** Why a record is dead-lettered: it could not be read, or processing it threw. */
export type DeadLetterReason = 'deserialization' | 'processing';

/** Everything known about a failed record; what {@link DeadLetterHeadersFn} receives. */
export interface DeadLetterContext {
  readonly reason: DeadLetterReason;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  /** The error the serde or processor threw. */
  readonly error: Error;
  /** The task that failed to read or process the record, e.g. `0_1`. */
  readonly taskId: string;
}

/**
 * Extra headers for a dead-letter record (e.g. an organisation's own failure
 * headers, so its replay tool reads this DLQ too). They are added after the
 * original and `__streams.errors.*` headers, and cannot replace the latter.
 */
export type DeadLetterHeadersFn = (context: DeadLetterContext) => Record<string, string>;
