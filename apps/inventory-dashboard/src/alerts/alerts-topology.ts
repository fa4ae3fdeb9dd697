/**
 * Low-stock alerting as an `@eda/streams` topology:
 *
 * ```
 * store.inventory ─► group by key (storeId) ─► alert-levels ─► crossings ─► inventory.alerts
 *  (key storeId)     no repartition            (<app>-alert-levels-changelog)  (key storeId/sku)
 * ```
 *
 * Caching is off: each fold's crossings go downstream at once (a cache would
 * keep the last fold per commit and drop the crossings of those before it).
 */
import {
  AvroSerde,
  inventorySchemas,
  type InventoryAlert,
  type SchemaRegistryClient,
  type StoreInventory,
} from '@eda/events';
import {
  Consumed,
  Grouped,
  Materialized,
  pair,
  Produced,
  Serdes,
  StreamsBuilder,
  type Serde,
  type Topology,
} from '@eda/streams';
import { foldSnapshot, NO_LEVELS, type StoreAlertLevels } from './low-stock-detector';

/** The store of last levels per store; its changelog is `<application.id>-alert-levels-changelog`. */
export const ALERT_LEVELS_STORE = 'alert-levels';

/** Topics, threshold, and a hook per alert raised (metrics). */
export interface AlertsTopologyOptions {
  readonly topics: { readonly storeInventory: string; readonly alerts: string };
  readonly lowStockThreshold: number;
  /** Called as an alert goes to the sink (a record reprocessed after an aborted transaction calls it again). */
  readonly onAlert?: (alert: InventoryAlert) => void;
}

/** Serdes of the public topics (Avro through the registry in the app). */
export interface AlertSerdes {
  readonly storeInventory: Serde<StoreInventory>;
  readonly alert: Serde<InventoryAlert>;
}

/** Builds the topology; the changelog carries JSON (private to the application). */
export function buildAlertsTopology(options: AlertsTopologyOptions, serdes: AlertSerdes): Topology {
  const S = Serdes.String();
  const builder = new StreamsBuilder();
  builder
    .stream(options.topics.storeInventory, Consumed.with(S, serdes.storeInventory))
    .groupByKey(Grouped.with(S, serdes.storeInventory))
    .aggregate(
      () => NO_LEVELS,
      (_storeId, store, levels) => foldSnapshot(levels, store, options.lowStockThreshold),
      Materialized.as<string, StoreAlertLevels>(ALERT_LEVELS_STORE)
        .withKeySerde(S)
        .withValueSerde(Serdes.Json<StoreAlertLevels>())
        .withCachingDisabled(),
    )
    .toStream()
    .flatMap((_storeId, levels) =>
      (levels?.raised ?? []).map((alert) => pair(`${alert.storeId}/${alert.sku}`, alert)),
    )
    .peek((_key, alert) => options.onAlert?.(alert))
    .to(options.topics.alerts, Produced.with(S, serdes.alert));
  return builder.build();
}

/** The serdes, resolved once (no auto-registration): the alert's writer id; readers of ours and the latest StoreInventory. */
export async function prepareAlertSerdes(
  registry: SchemaRegistryClient,
  topics: AlertsTopologyOptions['topics'],
): Promise<AlertSerdes> {
  const store = new AvroSerde<StoreInventory>({ registry, schema: inventorySchemas.StoreInventory });
  const alert = new AvroSerde<InventoryAlert>({ registry, schema: inventorySchemas.InventoryAlert });
  const latest = await registry.latest(store.subjectFor(topics.storeInventory));
  await Promise.all([
    store.resolveWriterSchema(topics.storeInventory),
    latest === undefined ? undefined : store.preloadWriterSchema(latest.id),
    alert.resolveWriterSchema(topics.alerts),
  ]);
  return { storeInventory: streamsSerde(store), alert: streamsSerde(alert) };
}

function streamsSerde<T>(avro: AvroSerde<T>): Serde<T> {
  return {
    serialize: (data, topic) => avro.encodeSync(topic, data),
    deserialize: (data, topic) => avro.decodeSync(data, { topic }),
  };
}
