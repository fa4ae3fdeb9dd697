/**
 * @eda/events: the inventory records as Avro schemas and generated types, a
 * Confluent-framed serde over a schema registry: what apps use at run time.
 * Schema deployment and the compatibility gate are tooling, at
 * `@eda/events/deploy`.
 *
 * ```ts
 * const registry = createSchemaRegistryClient(registryConfigFromEnv());
 * const serde = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
 * const value = await serde.encode('items', tx);
 * const back = await serde.decode(message.value, { topic, partition, offset: message.offset });
 * ```
 */
export {
  AlertLevel,
  TransactionType,
  type InventoryAlert,
  type ItemInventory,
  type ItemTransaction,
  type StoreInventory,
  type StoreSalesWindow,
} from './generated/inventory-records';
export { inventorySchemas } from './records';

export {
  EventsError,
  IncompatibleSchemaError,
  InvalidRecordError,
  MalformedPayloadError,
  RegistryRequestError,
  RegistryUnavailableError,
  SchemaNotLoadedError,
  SchemaNotRegisteredError,
  WriterIdNotResolvedError,
  TruncatedPayloadError,
  UnknownMagicByteError,
  UnknownSchemaIdError,
  type CompatibilityIssue,
  type RecordContext,
} from './errors';

export { AvroSerde, type AvroSerdeOptions, type DecodeResult } from './serde/avro-serde';
export {
  recordNameStrategy,
  topicNameStrategy,
  topicRecordNameStrategy,
  type SubjectNameStrategy,
} from './serde/subject-name-strategy';
export { HEADER_SIZE, MAGIC_BYTE } from './serde/wire-format';

export {
  DEFAULT_SCHEMA_REGISTRY_URL,
  RegistryConfigError,
  registryConfigFromEnv,
  type RegistryConfig,
} from './registry/registry-config';
export {
  createSchemaRegistryClient,
  type SchemaRegistryClient,
  type SubjectVersion,
} from './registry/schema-registry-client';
export { InMemorySchemaRegistry } from './registry/in-memory-schema-registry';

export {
  COMPATIBILITY_LEVELS,
  isCompatibilityLevel,
  type CompatibilityLevel,
} from './compatibility/compatibility-level';
