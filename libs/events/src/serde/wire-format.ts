/**
 * The Confluent wire format: magic byte 0, the schema id as a 4-byte
 * big-endian integer, then the Avro binary body.
 * https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html#wire-format
 */
import { RecordContext, TruncatedPayloadError, UnknownMagicByteError } from '../errors';

/** The only magic byte the format defines. */
export const MAGIC_BYTE = 0;

/** Bytes before the Avro body: magic byte plus schema id. */
export const HEADER_SIZE = 5;

/** Reads and validates the frame header; returns the writer's schema id. */
export function readSchemaId(payload: Buffer, context?: RecordContext): number {
  if (payload.length === 0) {
    throw new TruncatedPayloadError(0, 'empty value (a tombstone or a producer that sent nothing)', context);
  }
  if (payload[0] !== MAGIC_BYTE) {
    throw new UnknownMagicByteError(payload[0] as number, context);
  }
  if (payload.length < HEADER_SIZE) {
    throw new TruncatedPayloadError(payload.length, `the ${HEADER_SIZE}-byte header is incomplete`, context);
  }
  return payload.readInt32BE(1);
}

/** Writes the header for `schemaId` at the start of `target`. */
export function writeHeader(target: Buffer, schemaId: number): void {
  target[0] = MAGIC_BYTE;
  target.writeInt32BE(schemaId, 1);
}
