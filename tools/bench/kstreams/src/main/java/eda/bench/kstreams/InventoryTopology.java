package eda.bench.kstreams;

import eda.bench.kstreams.Model.ItemStock;
import eda.bench.kstreams.Model.SalesTotals;
import eda.bench.kstreams.Model.StoreStock;
import eda.bench.kstreams.Model.Tx;
import java.time.Duration;
import java.util.HashMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

/**
 * apps/inventory-aggregator/src/topology/inventory-topology.ts, written with
 * Kafka Streams' DSL, node for node:
 *
 * <pre>
 * items ─► dedupe by id ─┬─► group by storeId ─► store-stock ─────────────► store.inventory
 *  (key storeId)         ├─► SALE only ─► 1-min windows ─► store-sales ───► store.sales.1m
 *                        └─► group by sku ─► &lt;app&gt;-items-by-sku-repartition
 *                                            ─► item-stock ───────────────► item.inventory
 * </pre>
 *
 * Event time is the transaction's timestamp. Dedupe keeps id -> first event
 * time in a window store filed under buckets of one window, caching off,
 * change-logged, exactly as our DeduplicateProcessor. It runs as
 * {@code processValues}, so the key is known unchanged and only the sku
 * grouping repartitions (as ours). Internal topics carry JSON; the public
 * ones Confluent-framed Avro.
 */
final class InventoryTopology {
  static final String TRANSACTION_IDS = "transaction-ids";
  static final String ITEM_STOCK = "item-stock";
  static final String STORE_STOCK = "store-stock";
  static final String STORE_SALES = "store-sales";
  static final String ITEMS_BY_SKU = "items-by-sku";

  /** Topic names, windows and store kind. */
  record Options(
      String items,
      String itemInventory,
      String storeInventory,
      String storeSales,
      long salesWindowMs,
      long salesGraceMs,
      long salesRetentionMs,
      long dedupeWindowMs,
      boolean rocksDb) {}

  /** Public-topic serdes (Avro through the registry). */
  record PublicSerdes(
      Serde<Tx> itemTransaction,
      Serde<ItemStockOut> itemInventory,
      Serde<StoreStockOut> storeInventory,
      Serde<SalesOut> storeSalesWindow) {}

  record ItemStockOut(String sku, ItemStock stock) {}

  record StoreStockOut(String storeId, StoreStock stock) {}

  record SalesOut(String storeId, long windowStart, long windowEnd, SalesTotals totals) {}

  private InventoryTopology() {}

  static Topology build(Options o, PublicSerdes serdes) {
    Serde<String> s = Serdes.String();
    StreamsBuilder builder = new StreamsBuilder();
    WindowBytesStoreSupplier ids =
        o.rocksDb()
            ? Stores.persistentWindowStore(
                TRANSACTION_IDS, Duration.ofMillis(2 * o.dedupeWindowMs()), Duration.ofMillis(o.dedupeWindowMs()), false)
            : Stores.inMemoryWindowStore(
                TRANSACTION_IDS, Duration.ofMillis(2 * o.dedupeWindowMs()), Duration.ofMillis(o.dedupeWindowMs()), false);
    builder.addStateStore(Stores.windowStoreBuilder(ids, s, Serdes.Long()).withCachingDisabled());

    KStream<String, Tx> transactions =
        builder.stream(
                o.items(),
                Consumed.with(s, serdes.itemTransaction())
                    .withTimestampExtractor((record, partitionTime) -> ((Tx) record.value()).timestamp))
            .processValues(() -> new Deduplicate(o.dedupeWindowMs()), TRANSACTION_IDS);

    transactions
        .groupBy((storeId, tx) -> tx.sku, Grouped.with(ITEMS_BY_SKU, s, JsonSerde.of(Tx.class)))
        .aggregate(
            ItemStock::new,
            (sku, tx, stock) -> {
              stock.quantity += tx.stockDelta();
              stock.updatedAt = Math.max(stock.updatedAt, tx.timestamp);
              return stock;
            },
            InventoryTopology.<ItemStock>kv(ITEM_STOCK, o).withKeySerde(s).withValueSerde(JsonSerde.of(ItemStock.class)))
        .toStream()
        .mapValues((sku, stock) -> new ItemStockOut(sku, stock))
        .to(o.itemInventory(), Produced.with(s, serdes.itemInventory()));

    transactions
        .groupByKey(Grouped.with(s, serdes.itemTransaction()))
        .aggregate(
            StoreStock::new,
            (storeId, tx, stock) -> {
              // Safe to mutate: Kafka Streams hands the aggregator a freshly deserialized value.
              stock.items.merge(tx.sku, tx.stockDelta(), Long::sum);
              stock.updatedAt = Math.max(stock.updatedAt, tx.timestamp);
              return stock;
            },
            InventoryTopology.<StoreStock>kv(STORE_STOCK, o).withKeySerde(s).withValueSerde(JsonSerde.of(StoreStock.class)))
        .toStream()
        .mapValues((storeId, stock) -> new StoreStockOut(storeId, stock))
        .to(o.storeInventory(), Produced.with(s, serdes.storeInventory()));

    Materialized<String, SalesTotals, WindowStore<Bytes, byte[]>> sales =
        o.rocksDb()
            ? Materialized.as(
                Stores.persistentWindowStore(
                    STORE_SALES, Duration.ofMillis(o.salesRetentionMs()), Duration.ofMillis(o.salesWindowMs()), false))
            : Materialized.as(
                Stores.inMemoryWindowStore(
                    STORE_SALES, Duration.ofMillis(o.salesRetentionMs()), Duration.ofMillis(o.salesWindowMs()), false));
    transactions
        .filter((storeId, tx) -> tx.isSale())
        .groupByKey(Grouped.with(s, serdes.itemTransaction()))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(o.salesWindowMs()), Duration.ofMillis(o.salesGraceMs())))
        .aggregate(
            SalesTotals::new,
            (storeId, tx, totals) -> {
              totals.unitsSold += tx.quantity;
              totals.revenue += (long) tx.quantity * tx.unitPrice;
              totals.transactions += 1;
              return totals;
            },
            sales.withKeySerde(s).withValueSerde(JsonSerde.of(SalesTotals.class)))
        .toStream()
        .map(
            (windowed, totals) ->
                KeyValue.pair(
                    windowed.key(),
                    new SalesOut(windowed.key(), windowed.window().start(), windowed.window().end(), totals)))
        .to(o.storeSales(), Produced.with(s, serdes.storeSalesWindow()));

    return builder.build();
  }

  private static <V> Materialized<String, V, KeyValueStore<Bytes, byte[]>> kv(String name, Options o) {
    KeyValueBytesStoreSupplier supplier =
        o.rocksDb() ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
    return Materialized.as(supplier);
  }

  /** Our DeduplicateProcessor: first record per id forwarded, a later one within the window dropped. */
  static final class Deduplicate implements FixedKeyProcessor<String, Tx, Tx> {
    private final long windowMs;
    private FixedKeyProcessorContext<String, Tx> context;
    private WindowStore<String, Long> store;

    Deduplicate(long windowMs) {
      this.windowMs = windowMs;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Tx> context) {
      this.context = context;
      this.store = context.getStateStore(TRANSACTION_IDS);
    }

    @Override
    public void process(FixedKeyRecord<String, Tx> record) {
      Tx tx = record.value();
      if (tx == null || tx.id == null) {
        context.forward(record);
        return;
      }
      long ts = record.timestamp();
      long bucket = bucketOf(ts);
      for (long start = bucket - windowMs; start <= bucket + windowMs; start += windowMs) {
        if (start < 0) continue;
        Long seenAt = store.fetch(tx.id, start);
        if (seenAt != null && Math.abs(ts - seenAt) <= windowMs) return;
      }
      store.put(tx.id, ts, bucket);
      context.forward(record);
    }

    private long bucketOf(long ts) {
      return Math.max(0, ts - (ts % windowMs));
    }
  }

  static StoreStock emptyStoreStock() {
    StoreStock s = new StoreStock();
    s.items = new HashMap<>();
    return s;
  }
}
