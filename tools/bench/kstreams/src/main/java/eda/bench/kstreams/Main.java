package eda.bench.kstreams;

import eda.bench.kstreams.InventoryTopology.ItemStockOut;
import eda.bench.kstreams.InventoryTopology.SalesOut;
import eda.bench.kstreams.InventoryTopology.StoreStockOut;
import eda.bench.kstreams.Model.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * Runs {@link InventoryTopology} on Kafka Streams for the benchmark
 * (tools/bench/kstreams-vs-aggregator.bench.ts). Configuration comes from the
 * environment, named as the aggregator's own (APPLICATION_ID, ITEMS_TOPIC, ...)
 * plus STORE_TYPE (in_memory | rocksdb), WARMUP_ITEMS_TOPIC and SCHEMAS_DIR.
 *
 * With WARMUP_ITEMS_TOPIC set, the JVM first runs the same topology under
 * APPLICATION_ID-warmup on that topic (outputs: the output topics + "-warmup")
 * until its group has committed all of it, so the measured run starts with
 * the JIT warm. Then it starts the measured instance and prints "RUNNING" on
 * stdout when that instance reaches RUNNING; SIGTERM closes it.
 *
 * {@code --describe} prints the topology description and exits.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    InventoryTopology.Options options = options(env, "");
    if (args.length > 0 && args[0].equals("--describe")) {
      System.out.println(InventoryTopology.build(options, new InventoryTopology.PublicSerdes(null, null, null, null)).describe());
      return;
    }
    InventoryTopology.PublicSerdes serdes = serdes(env, options);
    String appId = require(env, "APPLICATION_ID");
    String warmup = env.get("WARMUP_ITEMS_TOPIC");
    if (warmup != null && !warmup.isEmpty()) {
      long t0 = System.nanoTime();
      long records = runUntilCaughtUp(env, appId + "-warmup", options(env, "-warmup"), warmup, serdes);
      System.out.printf("WARMUP %d records in %.1f s%n", records, (System.nanoTime() - t0) / 1e9);
    }
    Topology topology = InventoryTopology.build(options, serdes);
    KafkaStreams streams = new KafkaStreams(topology, props(env, appId));
    CountDownLatch done = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(fatal(done));
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            System.out.println("RUNNING");
            System.out.flush();
          }
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) done.countDown();
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close();
                  if (options.rocksDb()) streams.cleanUp();
                }));
    streams.start();
    done.await();
  }

  private static StreamsUncaughtExceptionHandler fatal(CountDownLatch done) {
    return e -> {
      System.err.println("kstreams: fatal: " + e);
      e.printStackTrace();
      done.countDown();
      Runtime.getRuntime().halt(1);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    };
  }

  /** Runs the topology on `input` under `appId` until the group's commits cover the input and the repartition topic. */
  private static long runUntilCaughtUp(
      Map<String, String> env,
      String appId,
      InventoryTopology.Options base,
      String input,
      InventoryTopology.PublicSerdes serdes)
      throws Exception {
    InventoryTopology.Options o =
        new InventoryTopology.Options(
            input,
            base.itemInventory(),
            base.storeInventory(),
            base.storeSales(),
            base.salesWindowMs(),
            base.salesGraceMs(),
            base.salesRetentionMs(),
            base.dedupeWindowMs(),
            base.rocksDb());
    KafkaStreams streams = new KafkaStreams(InventoryTopology.build(o, serdes), props(env, appId));
    streams.setUncaughtExceptionHandler(fatal(new CountDownLatch(1)));
    streams.start();
    long total = 0;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", require(env, "KAFKA_BROKERS")))) {
      List<String> topics = List.of(input, appId + "-" + InventoryTopology.ITEMS_BY_SKU + "-repartition");
      long deadline = System.currentTimeMillis() + 600_000;
      for (; ; ) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("warm-up did not catch up in 10 min");
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
        boolean covered = true;
        total = 0;
        for (String topic : topics) {
          if (!admin.listTopics().names().get().contains(topic)) {
            covered = false; // the repartition topic is created as the group starts
            break;
          }
          Collection<TopicPartition> parts =
              admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                  .map(p -> new TopicPartition(topic, p.partition()))
                  .collect(Collectors.toList());
          Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
          parts.forEach(tp -> spec.put(tp, OffsetSpec.latest()));
          var ends = admin.listOffsets(spec).all().get();
          for (TopicPartition tp : parts) {
            long end = ends.get(tp).offset();
            OffsetAndMetadata c = committed.get(tp);
            if (topic.equals(input)) total += end;
            if (end > 0 && (c == null || c.offset() < end)) covered = false;
          }
        }
        if (covered && committed.size() > 0) break;
        TimeUnit.MILLISECONDS.sleep(200);
      }
    } finally {
      streams.close();
      if (base.rocksDb()) streams.cleanUp();
    }
    return total;
  }

  private static Properties props(Map<String, String> env, String appId) throws Exception {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, require(env, "KAFKA_BROKERS"));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, env.getOrDefault("PROCESSING_GUARANTEE", "exactly_once_v2"));
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, env.getOrDefault("COMMIT_INTERVAL_MS", "100"));
    // One stream thread, as our engine runs one event loop; everything else at Kafka Streams' defaults.
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    String stateDir = env.get("STATE_DIR");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir != null ? stateDir : Files.createTempDirectory("kstreams-bench").toString());
    return p;
  }

  private static InventoryTopology.Options options(Map<String, String> env, String outputSuffix) {
    long minute = 60_000;
    long grace = Long.parseLong(env.getOrDefault("SALES_GRACE_MS", String.valueOf(60 * minute)));
    return new InventoryTopology.Options(
        env.getOrDefault("ITEMS_TOPIC", "items"),
        env.getOrDefault("ITEM_INVENTORY_TOPIC", "item.inventory") + outputSuffix,
        env.getOrDefault("STORE_INVENTORY_TOPIC", "store.inventory") + outputSuffix,
        env.getOrDefault("STORE_SALES_TOPIC", "store.sales.1m") + outputSuffix,
        minute,
        grace,
        Long.parseLong(env.getOrDefault("SALES_RETENTION_MS", String.valueOf(7 * 24 * 60 * minute))),
        Long.parseLong(env.getOrDefault("DEDUPE_WINDOW_MS", String.valueOf(24 * 60 * minute))),
        "rocksdb".equals(env.getOrDefault("STORE_TYPE", "in_memory")));
  }

  /** Resolves the four subjects' ids (writers use the output subjects' ids for the warm-up topics too). */
  private static InventoryTopology.PublicSerdes serdes(Map<String, String> env, InventoryTopology.Options o) {
    Path dir = Path.of(require(env, "SCHEMAS_DIR"));
    ConfluentAvro avro = new ConfluentAvro(require(env, "SCHEMA_REGISTRY_URL"));
    Schema txSchema = ConfluentAvro.load(dir, "ItemTransaction");
    Schema itemSchema = ConfluentAvro.load(dir, "ItemInventory");
    Schema storeSchema = ConfluentAvro.load(dir, "StoreInventory");
    Schema salesSchema = ConfluentAvro.load(dir, "StoreSalesWindow");
    avro.idOf(o.items() + "-value", txSchema);
    int itemId = avro.idOf(o.itemInventory() + "-value", itemSchema);
    int storeId = avro.idOf(o.storeInventory() + "-value", storeSchema);
    int salesId = avro.idOf(o.storeSales() + "-value", salesSchema);
    Serde<Tx> tx =
        Serdes.serdeFrom(
            (topic, data) -> {
              throw new UnsupportedOperationException("ItemTransaction is only read");
            },
            avro.deserializer(txSchema, Main::toTx));
    Serde<ItemStockOut> item =
        Serdes.serdeFrom(
            avro.<ItemStockOut>serializer(
                itemSchema,
                itemId,
                (v, r) -> {
                  r.put("sku", v.sku());
                  r.put("quantity", v.stock().quantity);
                  r.put("updatedAt", v.stock().updatedAt);
                }),
            (topic, data) -> {
              throw new UnsupportedOperationException();
            });
    Serde<StoreStockOut> store =
        Serdes.serdeFrom(
            avro.<StoreStockOut>serializer(
                storeSchema,
                storeId,
                (v, r) -> {
                  r.put("storeId", v.storeId());
                  r.put("items", v.stock().items);
                  r.put("updatedAt", v.stock().updatedAt);
                }),
            (topic, data) -> {
              throw new UnsupportedOperationException();
            });
    Serde<SalesOut> sales =
        Serdes.serdeFrom(
            avro.<SalesOut>serializer(
                salesSchema,
                salesId,
                (v, r) -> {
                  r.put("storeId", v.storeId());
                  r.put("windowStart", v.windowStart());
                  r.put("windowEnd", v.windowEnd());
                  r.put("unitsSold", v.totals().unitsSold);
                  r.put("revenue", v.totals().revenue);
                  r.put("transactions", v.totals().transactions);
                }),
            (topic, data) -> {
              throw new UnsupportedOperationException();
            });
    return new InventoryTopology.PublicSerdes(tx, item, store, sales);
  }

  private static Tx toTx(GenericRecord r) {
    Tx tx = new Tx();
    tx.id = ConfluentAvro.str(r.get("id"));
    tx.storeId = ConfluentAvro.str(r.get("storeId"));
    tx.sku = ConfluentAvro.str(r.get("sku"));
    tx.type = ConfluentAvro.str(r.get("type"));
    tx.quantity = (Integer) r.get("quantity");
    tx.unitPrice = (Long) r.get("unitPrice");
    tx.currency = ConfluentAvro.str(r.get("currency"));
    tx.timestamp = (Long) r.get("timestamp");
    return tx;
  }

  private static String require(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isEmpty()) throw new IllegalArgumentException(name + " must be set");
    return v;
  }
}
