/**
 * Bridges `@eda/events`' AvroSerde (Confluent-framed, registry-backed,
 * asynchronous on first use) to `@eda/streams`' synchronous `Serde<T>`.
 *
 * The registry is asked once, at start-up ({@link prepareInventorySerdes}):
 * each output subject's writer id is resolved, and the input subject's
 * readers are loaded for the app's own schema and the subject's latest
 * version. From then on `encodeSync`/`decodeSync` run at avsc speed with no
 * registry call. A record written with any other version throws a retriable
 * `SchemaNotLoadedError`; the streams runtime then applies
 * `deserialization.exception.handler` (by default: to the dead-letter topic).
 */
import {
  AvroSerde,
  inventorySchemas,
  type ItemInventory,
  type ItemTransaction,
  type SchemaRegistryClient,
  type StoreInventory,
  type StoreSalesWindow,
} from '@eda/events';
import type { Serde } from '@eda/streams';
import type { InventorySerdes, InventoryTopologyOptions } from '../topology/inventory-topology';

/** A streams serde that frames values with `avro`. */
export function avroStreamsSerde<T>(avro: AvroSerde<T>): Serde<T> {
  return {
    serialize: (data, topic) => avro.encodeSync(topic, data),
    deserialize: (data, topic) => avro.decodeSync(data, { topic }),
  };
}

/**
 * Creates the four serdes and resolves their subjects against the registry
 * (TopicNameStrategy, no auto-registration). Rejects with
 * `SchemaNotRegisteredError` (run `npm run schemas:deploy`) or
 * `RegistryUnavailableError`, so the caller can report and retry.
 */
export async function prepareInventorySerdes(
  registry: SchemaRegistryClient,
  topics: InventoryTopologyOptions['topics'],
): Promise<InventorySerdes> {
  const tx = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
  const item = new AvroSerde<ItemInventory>({ registry, schema: inventorySchemas.ItemInventory });
  const store = new AvroSerde<StoreInventory>({ registry, schema: inventorySchemas.StoreInventory });
  const sales = new AvroSerde<StoreSalesWindow>({ registry, schema: inventorySchemas.StoreSalesWindow });
  const latestInput = await registry.latest(tx.subjectFor(topics.items));
  await Promise.all([
    // Resolving our own schema's id also caches it as a reader: input written with it decodes synchronously.
    tx.resolveWriterSchema(topics.items),
    // Producers may already write a newer compatible version: read that synchronously too.
    latestInput === undefined ? undefined : tx.preloadWriterSchema(latestInput.id),
    item.resolveWriterSchema(topics.itemInventory),
    store.resolveWriterSchema(topics.storeInventory),
    sales.resolveWriterSchema(topics.storeSales),
  ]);
  return {
    itemTransaction: avroStreamsSerde(tx),
    itemInventory: avroStreamsSerde(item),
    storeInventory: avroStreamsSerde(store),
    storeSalesWindow: avroStreamsSerde(sales),
  };
}
