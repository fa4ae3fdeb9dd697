/**
 * Validation of query inputs. Keys are free-form strings in the records, so
 * the rule is only what cannot be a real key: empty, blank, control
 * characters, or absurdly long. Times are strict ISO-8601 with a zone.
 */
import { BadRequestException } from '@nestjs/common';

const MAX_KEY_LENGTH = 256;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Returns `value` if it can be a sku or store id, else throws a 400 naming `name`. */
export function parseKey(name: string, value: string): string {
  if (value.trim() === '' || value.length > MAX_KEY_LENGTH || CONTROL.test(value)) {
    throw new BadRequestException(
      `${name} must be 1 to ${MAX_KEY_LENGTH} characters without control characters, got "${value.slice(0, 40)}"`,
    );
  }
  return value;
}

/** Epoch millis of an ISO-8601 date-time with a zone (`2026-01-01T00:00:00Z`), `fallback` when absent. */
export function parseInstant(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const millis = ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(millis)) {
    throw new BadRequestException(
      `${name} must be an ISO-8601 date-time with a zone, e.g. 2026-01-01T00:00:00Z, got "${value.slice(0, 40)}"`,
    );
  }
  return millis;
}
