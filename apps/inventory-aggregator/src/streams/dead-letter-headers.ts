/**
 * What the aggregator adds to each dead letter besides the engine's KIP-1034
 * `__streams.errors.*` headers: `@eda/kafka`'s `eda.*` failure headers, the
 * ones every DLQ of this project carries, so `dlq:replay` (and the dashboard's
 * DLQ tooling) reads `items.dlq` like any other dead-letter topic.
 */
import { failureHeaders } from '@eda/kafka';
import type { DeadLetterContext } from '@eda/streams';

/** `eda.original.*`, `eda.error.*` and `eda.attempts` (1: the engine does not retry a record it cannot read). */
export function aggregatorFailureHeaders(context: DeadLetterContext): Record<string, string> {
  const { error } = context;
  return failureHeaders({
    topic: context.topic,
    partition: context.partition,
    offset: String(context.offset),
    timestamp: String(context.timestamp),
    // The constructor's name, as the other DLQs record it (e.g. UnknownSchemaIdError).
    errorClass: error.constructor?.name || error.name,
    errorMessage: error.message,
    attempts: 1,
  });
}
