/** The inventory records' Avro schemas, typed for avsc. */
import type * as avro from 'avsc';
import { avroSchemas } from './generated/inventory-records';

/** Avro schema of each inventory record, keyed by record name (e.g. `ItemTransaction`). */
export const inventorySchemas = avroSchemas as unknown as {
  readonly [K in keyof typeof avroSchemas]: avro.Schema;
};
