/**
 * Every error the events library throws, in the style of kafkajs's errors
 * module: one base class, a stable `code`, and a `retriable` flag that tells a
 * consumer whether to retry the record (registry hiccup) or dead-letter it
 * (the bytes themselves are bad and will never decode). The base is
 * `@eda/base`'s `EdaError`, shared by every library.
 */
import { EdaError } from '@eda/base';

/** Where a record came from, so an error can point at it. All parts optional. */
export interface RecordContext {
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: string | number;
}

/** Base class of every error thrown by `@eda/events`. */
export class EventsError extends EdaError {
  /** The record the error is about, when known. */
  readonly context: RecordContext;

  constructor(
    code: string,
    message: string,
    options: { retriable?: boolean; context?: RecordContext; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.context = options.context ?? {};
  }
}

/** "topic items partition 3 offset 42", or '' when nothing is known. */
export function describeRecord(context: RecordContext = {}): string {
  const parts: string[] = [];
  if (context.topic !== undefined) parts.push(`topic ${context.topic}`);
  if (context.partition !== undefined) parts.push(`partition ${context.partition}`);
  if (context.offset !== undefined) parts.push(`offset ${context.offset}`);
  return parts.length > 0 ? ` (${parts.join(' ')})` : '';
}

const DLQ_ADVICE =
  'The bytes will never decode: send the record to the dead-letter topic and inspect the producer.';

/** The first byte is not the Confluent wire-format magic byte 0: not an Avro record framed by a schema-registry serde. */
export class UnknownMagicByteError extends EventsError {
  constructor(
    readonly magicByte: number,
    context?: RecordContext,
  ) {
    super(
      'EDA_EVENTS_UNKNOWN_MAGIC_BYTE',
      `Unknown magic byte ${magicByte} (expected 0)${describeRecord(context)}. The record was not written by a ` +
        `Confluent-framed serde (plain JSON or raw Avro?). ${DLQ_ADVICE}`,
      { context },
    );
  }
}

/** The payload is shorter than its framing says, or the Avro body ends early or has trailing bytes. */
export class TruncatedPayloadError extends EventsError {
  constructor(
    readonly length: number,
    detail: string,
    context?: RecordContext,
  ) {
    super(
      'EDA_EVENTS_TRUNCATED_PAYLOAD',
      `Truncated payload of ${length} bytes: ${detail}${describeRecord(context)}. ${DLQ_ADVICE}`,
      {
        context,
      },
    );
  }
}

/** The Avro body does not decode with its writer schema (corrupt bytes, or an id pointing at the wrong schema). */
export class MalformedPayloadError extends EventsError {
  constructor(
    readonly schemaId: number,
    cause: unknown,
    context?: RecordContext,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'EDA_EVENTS_MALFORMED_PAYLOAD',
      `Avro body does not decode with writer schema id ${schemaId}: ${reason}${describeRecord(context)}. ${DLQ_ADVICE}`,
      { context, cause },
    );
  }
}

/** The registry does not know the schema id in the frame (answered 404, error code 40403 or Apicurio's 40401). */
export class UnknownSchemaIdError extends EventsError {
  constructor(
    readonly schemaId: number,
    context?: RecordContext,
  ) {
    super(
      'EDA_EVENTS_UNKNOWN_SCHEMA_ID',
      `Schema id ${schemaId} is unknown to the schema registry${describeRecord(context)}. The record was written ` +
        `against another registry, or the schema was hard-deleted. Check SCHEMA_REGISTRY_URL; if it is right, ` +
        `dead-letter the record.`,
      { context },
    );
  }
}

/** `decodeSync` met a schema id it has not loaded yet. Retriable: `decode` (async) loads it. */
export class SchemaNotLoadedError extends EventsError {
  constructor(
    readonly schemaId: number,
    context?: RecordContext,
  ) {
    super(
      'EDA_EVENTS_SCHEMA_NOT_LOADED',
      `Writer schema id ${schemaId} is not loaded yet${describeRecord(context)}. Decode this record with the async ` +
        `decode(), which fetches the schema once; decodeSync() serves every later record with that id.`,
      { retriable: true, context },
    );
  }
}

/** The registry could not be reached, timed out, or answered 5xx. Retriable. */
export class RegistryUnavailableError extends EventsError {
  constructor(
    readonly registryUrl: string,
    detail: string,
    context?: RecordContext,
    cause?: unknown,
  ) {
    super(
      'EDA_EVENTS_REGISTRY_UNAVAILABLE',
      `Schema registry at ${registryUrl} is unavailable: ${detail}${describeRecord(context)}. Retry later; if it ` +
        `persists, check that the registry is running and SCHEMA_REGISTRY_URL points at it.`,
      { retriable: true, context, cause },
    );
  }
}

/** The registry answered with an error that retrying will not fix (401, 403, 422, ...). */
export class RegistryRequestError extends EventsError {
  constructor(
    readonly status: number,
    detail: string,
    cause?: unknown,
  ) {
    const hint =
      status === 401 || status === 403
        ? 'Check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD.'
        : 'Check the request and the registry logs.';
    super(
      'EDA_EVENTS_REGISTRY_REQUEST',
      `Schema registry rejected the request (HTTP ${status}): ${detail}. ${hint}`,
      {
        cause,
      },
    );
  }
}

/** A producer's schema is not registered under its subject, and auto-registration is off (as it is in production). */
export class SchemaNotRegisteredError extends EventsError {
  constructor(
    readonly subject: string,
    readonly recordName: string,
  ) {
    super(
      'EDA_EVENTS_SCHEMA_NOT_REGISTERED',
      `Schema ${recordName} is not registered under subject ${subject}. Producers never auto-register in ` +
        `production: run \`npm run schemas:deploy\` (or enable autoRegister for local development only).`,
    );
  }
}

/**
 * `encodeSync` was called before the writer id of the subject was resolved.
 * Retriable: call the async `encode` once for the topic (at start-up), which
 * looks the id up; `encodeSync` serves every later record.
 */
export class WriterIdNotResolvedError extends EventsError {
  constructor(readonly subject: string) {
    super(
      'EDA_EVENTS_WRITER_ID_NOT_RESOLVED',
      `The writer schema id of subject ${subject} is not resolved yet. Call the async encode() once for this ` +
        `topic (for example at start-up); encodeSync() serves every later record.`,
      { retriable: true },
    );
  }
}

/** One reason two schemas do not resolve, pinned to a field path. */
export interface CompatibilityIssue {
  /** Dotted path from the record, e.g. `ItemTransaction.quantity`. */
  readonly path: string;
  /** Which rule broke, e.g. `BACKWARD`. */
  readonly rule: string;
  /** Human-readable reason naming the field. */
  readonly message: string;
}

/** A writer schema cannot be read with the reader schema, or a new schema breaks its subject's compatibility rule. */
export class IncompatibleSchemaError extends EventsError {
  constructor(
    readonly subject: string,
    readonly issues: readonly CompatibilityIssue[],
    context?: RecordContext,
  ) {
    const detail = issues.map((i) => `${i.rule}: ${i.message}`).join('; ');
    super(
      'EDA_EVENTS_INCOMPATIBLE_SCHEMA',
      `Schema for ${subject} is incompatible${describeRecord(context)}: ${detail}. Make the change compatible ` +
        `(add a default, keep the old name as an alias) or publish under a new subject.`,
      { context },
    );
  }
}

/** A value does not match the schema it is encoded with (missing field, wrong type). A programming error. */
export class InvalidRecordError extends EventsError {
  constructor(
    readonly recordName: string,
    readonly paths: readonly string[],
    cause?: unknown,
  ) {
    super(
      'EDA_EVENTS_INVALID_RECORD',
      `Value is not a valid ${recordName}; invalid field(s): ${paths.join(', ') || '(the value itself)'}. Fix the ` +
        `producer code that builds it.`,
      { cause },
    );
  }
}
