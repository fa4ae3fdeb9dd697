/**
 * Reads an `ItemTransaction` from an MQ message body: JSON text, as the
 * store simulator's MQ backend sends it (`JSON.stringify` of the record).
 * Every field is checked the way the Avro schema
 * (`libs/events/schemas/ItemTransaction.avsc`) and its documented constraints
 * define it, so a message that passes always encodes; one that does not is a
 * poison message and never reaches Kafka.
 *
 * | field       | Avro                         | checked here                                          |
 * |-------------|------------------------------|-------------------------------------------------------|
 * | `id`        | string, logicalType uuid     | an RFC 4122 UUID string (the idempotency key)         |
 * | `storeId`   | string                       | a non-empty string (it is the Kafka key)              |
 * | `sku`       | string                       | a non-empty string                                    |
 * | `type`      | enum SALE, RESTOCK           | one of the symbols; no default, as in the schema      |
 * | `quantity`  | int, "always greater than 0" | a 32-bit integer > 0                                  |
 * | `unitPrice` | long (minor units)           | a safe integer                                        |
 * | `currency`  | string, default "USD"        | three upper-case letters (ISO 4217); absent → USD     |
 * | `timestamp` | long, timestamp-millis       | a safe integer (epoch milliseconds)                   |
 *
 * Unknown fields are refused rather than dropped: they mean the producer
 * speaks another version of the record, which someone should look at.
 */
import { TransactionType, type ItemTransaction } from '@eda/events';
import { MqPoisonMessageException } from '@eda/mq';

/** Poison reasons the parser assigns (the `eda_backout_reason` property). */
export const PARSE_REASONS = Object.freeze({
  /** The body is not JSON text, or not a JSON object. */
  invalidJson: 'INVALID_JSON',
  /** The object is not a valid ItemTransaction. */
  invalidRecord: 'INVALID_RECORD',
});

const FIELDS = ['id', 'storeId', 'sku', 'type', 'quantity', 'unitPrice', 'currency', 'timestamp'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT32_MAX = 2 ** 31 - 1;
const SYMBOLS = Object.values(TransactionType) as string[];

/**
 * Parses and validates `body`.
 * @throws MqPoisonMessageException with reason INVALID_JSON or INVALID_RECORD, naming every bad field.
 */
export function parseItemTransaction(body: Buffer): ItemTransaction {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new MqPoisonMessageException(
      PARSE_REASONS.invalidJson,
      `Body is not JSON: ${(err as Error).message}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MqPoisonMessageException(PARSE_REASONS.invalidJson, 'Body is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  const problems = [
    ...Object.keys(record)
      .filter((key) => !(FIELDS as readonly string[]).includes(key))
      .map((key) => `${key}: not a field of ItemTransaction`),
    ...check(record),
  ];
  if (problems.length > 0) {
    throw new MqPoisonMessageException(
      PARSE_REASONS.invalidRecord,
      `Not a valid ItemTransaction: ${problems.join('; ')}`,
    );
  }
  return {
    id: record['id'] as string,
    storeId: record['storeId'] as string,
    sku: record['sku'] as string,
    type: record['type'] as TransactionType,
    quantity: record['quantity'] as number,
    unitPrice: record['unitPrice'] as number,
    currency: (record['currency'] as string | undefined) ?? 'USD',
    timestamp: record['timestamp'] as number,
  };
}

function check(r: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const fail = (field: string, expected: string) =>
    problems.push(`${field}: expected ${expected}, got ${show(r[field])}`);
  if (typeof r['id'] !== 'string' || !UUID.test(r['id'])) fail('id', 'a UUID string');
  if (typeof r['storeId'] !== 'string' || r['storeId'] === '') fail('storeId', 'a non-empty string');
  if (typeof r['sku'] !== 'string' || r['sku'] === '') fail('sku', 'a non-empty string');
  if (typeof r['type'] !== 'string' || !SYMBOLS.includes(r['type']))
    fail('type', `one of ${SYMBOLS.join(', ')}`);
  const quantity = r['quantity'];
  if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > INT32_MAX) {
    fail('quantity', 'an int greater than zero');
  }
  if (!Number.isSafeInteger(r['unitPrice'])) fail('unitPrice', 'an integer (minor units)');
  if (
    r['currency'] !== undefined &&
    (typeof r['currency'] !== 'string' || !/^[A-Z]{3}$/.test(r['currency']))
  ) {
    fail('currency', 'an ISO 4217 code such as USD');
  }
  if (!Number.isSafeInteger(r['timestamp'])) fail('timestamp', 'epoch milliseconds (an integer)');
  return problems;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
