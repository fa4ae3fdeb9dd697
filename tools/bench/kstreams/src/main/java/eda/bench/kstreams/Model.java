package eda.bench.kstreams;

import java.util.HashMap;
import java.util.Map;

/**
 * The records of the topology, as plain public-field classes so Jackson writes
 * them as the same JSON our engine writes on its internal topics
 * ({@code Serdes.Json} of the decoded objects).
 */
final class Model {
  private Model() {}

  /** eda.inventory.ItemTransaction, decoded from Avro; JSON on the repartition topic. */
  public static final class Tx {
    public String id;
    public String storeId;
    public String sku;
    public String type;
    public int quantity;
    public long unitPrice;
    public String currency;
    public long timestamp;

    boolean isSale() {
      return "SALE".equals(type);
    }

    long stockDelta() {
      return "RESTOCK".equals(type) ? quantity : -quantity;
    }
  }

  /** Store {@code item-stock}: sku -> stock across stores. */
  public static final class ItemStock {
    public long quantity;
    public long updatedAt;
  }

  /** Store {@code store-stock}: storeId -> stock per sku. */
  public static final class StoreStock {
    public Map<String, Long> items = new HashMap<>();
    public long updatedAt;
  }

  /** Store {@code store-sales}: storeId x window -> totals (revenue in minor units). */
  public static final class SalesTotals {
    public long unitsSold;
    public long revenue;
    public long transactions;
  }
}
