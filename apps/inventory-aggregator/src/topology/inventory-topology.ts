/**
 * The aggregator's topology, built with `@eda/streams`' DSL:
 *
 * ```
 * items ─► dedupe by id ─┬─► group by storeId ─► store-stock ─────────────► store.inventory
 *  (key storeId)         ├─► SALE only ─► 1-min windows ─► store-sales ───► store.sales.1m
 *                        └─► group by sku ─► <app>-items-by-sku-repartition
 *                                            ─► item-stock ───────────────► item.inventory
 * ```
 *
 * Event time is the transaction's own `timestamp`, so windows and the
 * deduplication window follow when a sale happened, not when it arrived.
 * Deduplication runs first, on the storeId-keyed input, where a duplicate
 * shares its original's partition; everything downstream, the repartition
 * topic included, sees each transaction once.
 */
import {
  TransactionType,
  type ItemInventory,
  type ItemTransaction,
  type StoreInventory,
  type StoreSalesWindow,
} from '@eda/events';
import {
  Consumed,
  Deduplicated,
  Grouped,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TimeWindows,
  type Serde,
  type Topology,
} from '@eda/streams';
import {
  addToItemStock,
  addToSales,
  addToStoreStock,
  NO_ITEM_STOCK,
  NO_SALES,
  NO_STORE_STOCK,
  type ItemStock,
  type SalesTotals,
  type StoreStock,
} from './stock-aggregates';

/** Store names: queryable through interactive queries, and the changelog names' middle part. */
export const STORES = {
  /** Transaction ids already counted (window store, id -> event time). */
  transactionIds: 'transaction-ids',
  /** sku -> {@link ItemStock}. */
  itemStock: 'item-stock',
  /** storeId -> {@link StoreStock}. */
  storeStock: 'store-stock',
  /** storeId x 1-minute window -> {@link SalesTotals}. */
  storeSales: 'store-sales',
} as const;

/** The repartition topic's middle part: `<application.id>-items-by-sku-repartition`. */
export const ITEMS_BY_SKU = 'items-by-sku';

/** Topics and windows of the topology. */
export interface InventoryTopologyOptions {
  readonly topics: {
    readonly items: string;
    readonly itemInventory: string;
    readonly storeInventory: string;
    readonly storeSales: string;
  };
  /** Tumbling window size of the sales windows (1 minute in the contract). */
  readonly salesWindowMs: number;
  /** How late (in stream time) a sale may arrive and still count in its window. */
  readonly salesGraceMs: number;
  /** How long closed sales windows stay queryable; at least size + grace. */
  readonly salesRetentionMs: number;
  /** Two transactions with one id this close in event time are one transaction. */
  readonly dedupeWindowMs: number;
  /**
   * Called with a transaction's event time as it is folded into its store's
   * stock, from when interactive queries see it: the end-to-end latency metric.
   * (A transaction an aborted exactly-once transaction reprocesses is reported again.)
   */
  readonly onStoreStockApplied?: (eventTime: number) => void;
}

/** Serdes of the public topics (Avro through the registry in the app, anything in tests). */
export interface InventorySerdes {
  readonly itemTransaction: Serde<ItemTransaction>;
  readonly itemInventory: Serde<ItemInventory>;
  readonly storeInventory: Serde<StoreInventory>;
  readonly storeSalesWindow: Serde<StoreSalesWindow>;
}

/**
 * Builds the topology. Internal topics (changelogs, the repartition topic)
 * carry JSON: they are private to this application, so they need no registry
 * subject, and a human can read them with any console consumer.
 */
export function buildInventoryTopology(options: InventoryTopologyOptions, serdes: InventorySerdes): Topology {
  const S = Serdes.String();
  const { topics } = options;
  const builder = new StreamsBuilder();

  const transactions = builder
    .stream(
      topics.items,
      Consumed.with(S, serdes.itemTransaction).withTimestampExtractor(
        (record) => (record.value as ItemTransaction).timestamp,
      ),
    )
    .deduplicate(
      (_storeId, tx) => tx.id,
      Deduplicated.as<string>(STORES.transactionIds).withIdSerde(S).withWindowMs(options.dedupeWindowMs),
    );

  transactions
    .groupBy((_storeId, tx) => tx.sku, Grouped.with(S, Serdes.Json<ItemTransaction>()).withName(ITEMS_BY_SKU))
    .aggregate(
      () => NO_ITEM_STOCK,
      (_sku, tx, stock) => addToItemStock(stock, tx),
      Materialized.as<string, ItemStock>(STORES.itemStock)
        .withKeySerde(S)
        .withValueSerde(Serdes.Json<ItemStock>()),
    )
    .toStream()
    .mapValues((stock, sku): ItemInventory => ({ sku, quantity: stock.quantity, updatedAt: stock.updatedAt }))
    .to(topics.itemInventory, Produced.with(S, serdes.itemInventory));

  const byStore = transactions.groupByKey(Grouped.with(S, serdes.itemTransaction));
  byStore
    .aggregate(
      () => NO_STORE_STOCK,
      (_storeId, tx, stock) => {
        options.onStoreStockApplied?.(tx.timestamp);
        return addToStoreStock(stock, tx);
      },
      Materialized.as<string, StoreStock>(STORES.storeStock)
        .withKeySerde(S)
        .withValueSerde(Serdes.Json<StoreStock>()),
    )
    .toStream()
    .mapValues((stock, storeId): StoreInventory => ({
      storeId,
      items: stock.items,
      updatedAt: stock.updatedAt,
    }))
    .to(topics.storeInventory, Produced.with(S, serdes.storeInventory));

  transactions
    .filter((_storeId, tx) => tx.type === TransactionType.SALE)
    .groupByKey(Grouped.with(S, serdes.itemTransaction))
    .windowedBy(TimeWindows.ofSizeAndGrace(options.salesWindowMs, options.salesGraceMs))
    .aggregate(
      () => NO_SALES,
      (_storeId, tx, totals) => addToSales(totals, tx),
      Materialized.as<string, SalesTotals>(STORES.storeSales)
        .withKeySerde(S)
        .withValueSerde(Serdes.Json<SalesTotals>())
        .withRetention(options.salesRetentionMs),
    )
    .toStream()
    .map((windowed, totals) => ({
      key: windowed.key,
      value: {
        storeId: windowed.key,
        windowStart: windowed.window.start,
        windowEnd: windowed.window.end,
        ...totals,
      } satisfies StoreSalesWindow,
    }))
    .to(topics.storeSales, Produced.with(S, serdes.storeSalesWindow));

  return builder.build();
}
