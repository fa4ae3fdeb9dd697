/**
 * The headers a record carries on a retry topic or a dead-letter topic, so an
 * operator (or `dlq:replay`) knows where it came from and why it failed
 * without any other state. Values are UTF-8 strings; numbers are decimal.
 *
 * Original headers (trace context, producer headers) are kept beside them:
 * replaying a dead letter strips only the `eda.*` failure headers.
 */
import type { IHeaders } from 'kafkajs';

/** Header names, grouped by meaning. All start with `eda.` so a replay can strip exactly these. */
export const FailureHeaders = Object.freeze({
  /** Topic the record was first consumed from (never a retry topic). */
  ORIGINAL_TOPIC: 'eda.original.topic',
  /** Partition on the original topic. */
  ORIGINAL_PARTITION: 'eda.original.partition',
  /** Offset on the original topic. */
  ORIGINAL_OFFSET: 'eda.original.offset',
  /** The original record's timestamp (epoch millis). */
  ORIGINAL_TIMESTAMP: 'eda.original.timestamp',
  /** Constructor name of the last error, e.g. `UnknownSchemaIdError`. */
  ERROR_CLASS: 'eda.error.class',
  /** Message of the last error, truncated to {@link MAX_ERROR_MESSAGE_LENGTH}. */
  ERROR_MESSAGE: 'eda.error.message',
  /** Processing attempts made so far (1 after the first failure). */
  ATTEMPTS: 'eda.attempts',
  /** Retry topics only: earliest time (epoch millis) the next attempt may run. */
  RETRY_NOT_BEFORE: 'eda.retry.not-before',
  /** Retry topics only: the consumer group that owns the retry (see `RetryTopology`). */
  RETRY_GROUP: 'eda.retry.group',
});

/** Error messages longer than this are cut, so one huge message cannot exceed the record size limit. */
export const MAX_ERROR_MESSAGE_LENGTH = 4000;

/** Where a record was first read. */
export interface OriginalRecordRef {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Epoch millis, as a decimal string (kafkajs' representation). */
  readonly timestamp: string;
}

/** Everything the failure headers say, parsed. */
export interface FailureInfo extends OriginalRecordRef {
  readonly errorClass: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly retryNotBefore?: number;
  readonly retryGroup?: string;
}

/** The failure headers of `info`, as kafkajs header values. */
export function failureHeaders(info: FailureInfo): Record<string, string> {
  const headers: Record<string, string> = {
    [FailureHeaders.ORIGINAL_TOPIC]: info.topic,
    [FailureHeaders.ORIGINAL_PARTITION]: String(info.partition),
    [FailureHeaders.ORIGINAL_OFFSET]: info.offset,
    [FailureHeaders.ORIGINAL_TIMESTAMP]: info.timestamp,
    [FailureHeaders.ERROR_CLASS]: info.errorClass,
    [FailureHeaders.ERROR_MESSAGE]: info.errorMessage.slice(0, MAX_ERROR_MESSAGE_LENGTH),
    [FailureHeaders.ATTEMPTS]: String(info.attempts),
  };
  if (info.retryNotBefore !== undefined)
    headers[FailureHeaders.RETRY_NOT_BEFORE] = String(info.retryNotBefore);
  if (info.retryGroup !== undefined) headers[FailureHeaders.RETRY_GROUP] = info.retryGroup;
  return headers;
}

/** A header value as a string (kafkajs gives Buffers, arrays for repeated keys, or undefined). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return value === undefined ? undefined : value.toString();
}

/**
 * Parses the failure headers of a record read from a retry or dead-letter
 * topic; `undefined` when the record carries none (it was never routed).
 */
export function readFailureHeaders(headers: IHeaders | undefined): FailureInfo | undefined {
  const topic = headerText(headers, FailureHeaders.ORIGINAL_TOPIC);
  if (topic === undefined) return undefined;
  const notBefore = headerText(headers, FailureHeaders.RETRY_NOT_BEFORE);
  const group = headerText(headers, FailureHeaders.RETRY_GROUP);
  return {
    topic,
    partition: Number(headerText(headers, FailureHeaders.ORIGINAL_PARTITION) ?? -1),
    offset: headerText(headers, FailureHeaders.ORIGINAL_OFFSET) ?? '-1',
    timestamp: headerText(headers, FailureHeaders.ORIGINAL_TIMESTAMP) ?? '-1',
    errorClass: headerText(headers, FailureHeaders.ERROR_CLASS) ?? 'Error',
    errorMessage: headerText(headers, FailureHeaders.ERROR_MESSAGE) ?? '',
    attempts: Number(headerText(headers, FailureHeaders.ATTEMPTS) ?? 0),
    ...(notBefore === undefined ? {} : { retryNotBefore: Number(notBefore) }),
    ...(group === undefined ? {} : { retryGroup: group }),
  };
}

/**
 * Prefix of the headers Kafka Streams' dead-letter handlers add (KIP-1034:
 * `__streams.errors.exception`, `.message`, `.stacktrace`, `.topic`, ...),
 * which `@eda/streams` writes too.
 */
export const STREAMS_ERROR_HEADER_PREFIX = '__streams.errors.';

/**
 * `headers` without failure headers, ours (`eda.*`) and Kafka Streams'
 * (`__streams.errors.*`): what a replayed record carries, so it re-enters its
 * topic as it was first produced.
 */
export function withoutFailureHeaders(headers: IHeaders | undefined): IHeaders {
  const names = new Set<string>(Object.values(FailureHeaders));
  const out: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (names.has(name) || name.startsWith(STREAMS_ERROR_HEADER_PREFIX) || value === undefined) continue;
    out[name] = value;
  }
  return out;
}
