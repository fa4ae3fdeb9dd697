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
  TransactionType,
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

/** Valid records, encoded once per subject to resolve writer ids (never sent anywhere). */
const PROBES = {
  itemTransaction: {
    id: '00000000-0000-4000-8000-000000000000',
    storeId: 'probe',
    sku: 'probe',
    type: TransactionType.SALE,
    quantity: 1,
    unitPrice: 1,
    currency: 'USD',
    timestamp: 0,
  } satisfies ItemTransaction,
  itemInventory: { sku: 'probe', quantity: 0, updatedAt: 0 } satisfies ItemInventory,
  storeInventory: { storeId: 'probe', items: {}, updatedAt: 0 } satisfies StoreInventory,
  storeSalesWindow: {
    storeId: 'probe',
    windowStart: 0,
    windowEnd: 60_000,
    unitsSold: 0,
    revenue: 0,
    transactions: 0,
  } satisfies StoreSalesWindow,
};

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
    tx.encode(topics.items, PROBES.itemTransaction),
    // Producers may already write a newer compatible version: read that synchronously too.
    latestInput === undefined ? undefined : tx.preloadWriterSchema(latestInput.id),
    item.encode(topics.itemInventory, PROBES.itemInventory),
    store.encode(topics.storeInventory, PROBES.storeInventory),
    sales.encode(topics.storeSales, PROBES.storeSalesWindow),
  ]);
  return {
    itemTransaction: avroStreamsSerde(tx),
    itemInventory: avroStreamsSerde(item),
    storeInventory: avroStreamsSerde(store),
    storeSalesWindow: avroStreamsSerde(sales),
  };
}
