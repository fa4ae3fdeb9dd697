/**
 * Integration-test fixture: a throw-away set of the dashboard's topics (inputs,
 * their retry levels and DLQs, alerts) with the schemas registered under
 * their subjects, the environment that points the app at them, and helpers to
 * produce Avro records and read topics back with their headers.
 */
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  registryConfigFromEnv,
  type InventoryAlert,
  type ItemInventory,
  type StoreInventory,
  type StoreSalesWindow,
} from '@eda/events';
import { RetryTopology } from '@eda/kafka';
import { changelogTopicName } from '@eda/streams';
import { uniqueName, waitFor, type KafkaTestContext } from '@eda/testing';
import { ALERT_LEVELS_STORE } from '../alerts/alerts-topology';
import type { IHeaders, Producer } from 'kafkajs';

/** One record read back. */
export interface ReadRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/** The topic set of one test file. */
export class DashboardTopics {
  readonly storeInventory = uniqueName('store.inventory');
  readonly itemInventory = uniqueName('item.inventory');
  readonly storeSales = uniqueName('store.sales.1m');
  readonly alerts = uniqueName('inventory.alerts');
  /** The alerting topology's application id (ALERTS_GROUP_ID) of the instances a test starts on this set. */
  readonly alertingGroup = uniqueName('inventory-dashboard-alerting');
  /** Its changelog, created here as the KafkaTopic creates it in a cluster (the app only verifies it). */
  readonly alertLevelsChangelog = changelogTopicName(this.alertingGroup, ALERT_LEVELS_STORE);
  readonly topology: RetryTopology;
  private readonly registry = createSchemaRegistryClient(registryConfigFromEnv());
  private readonly serdes = {
    store: new AvroSerde<StoreInventory>({
      registry: this.registry,
      schema: inventorySchemas.StoreInventory,
    }),
    item: new AvroSerde<ItemInventory>({ registry: this.registry, schema: inventorySchemas.ItemInventory }),
    sales: new AvroSerde<StoreSalesWindow>({
      registry: this.registry,
      schema: inventorySchemas.StoreSalesWindow,
    }),
    alert: new AvroSerde<InventoryAlert>({
      registry: this.registry,
      schema: inventorySchemas.InventoryAlert,
    }),
  };
  private producer: Producer | undefined;

  constructor(
    private readonly context: KafkaTestContext,
    readonly retryBackoffMs: readonly number[] = [200, 400],
    private readonly partitions = 2,
  ) {
    this.topology = RetryTopology.of('inventory-dashboard', retryBackoffMs);
  }

  /** Every topic of the set. */
  all(): string[] {
    const inputs = [this.storeInventory, this.itemInventory, this.storeSales];
    return [
      ...inputs,
      ...inputs.map((t) => this.topology.deadLetterTopic(t)),
      ...inputs.flatMap((t) => this.topology.retryTopics(t)),
      this.alerts,
      this.alertLevelsChangelog,
    ];
  }

  /** Deletes the set's topics; call before the context's `close()`. */
  async delete(): Promise<void> {
    const admin = await this.context.connectedAdmin();
    await admin.deleteTopics({ topics: this.all() }).catch(() => undefined);
  }

  /** Creates the topics (delete them with {@link delete}) and registers the value schemas. */
  async create(): Promise<void> {
    const admin = await this.context.connectedAdmin();
    const compacted = new Set([this.storeInventory, this.itemInventory, this.alertLevelsChangelog]);
    await admin.createTopics({
      topics: this.all().map((topic) => ({
        topic,
        numPartitions: this.partitions,
        replicationFactor: 1,
        configEntries: compacted.has(topic) ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      })),
    });
    // Not `waitForLeaders`: kafkajs retries that only on LEADER_NOT_AVAILABLE, and a broker busy with
    // other tests' topics answers UNKNOWN_TOPIC_OR_PARTITION for a moment too (seen under load).
    await waitFor(
      'the topics to have leaders',
      async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: this.all() });
        return topics.every(
          (t) => t.partitions.length === this.partitions && t.partitions.every((p) => p.leader >= 0),
        )
          ? true
          : undefined;
      },
      30_000,
      200,
    );
    const schemas: Array<[string, object]> = [
      [this.storeInventory, inventorySchemas.StoreInventory as object],
      [this.itemInventory, inventorySchemas.ItemInventory as object],
      [this.storeSales, inventorySchemas.StoreSalesWindow as object],
      [this.alerts, inventorySchemas.InventoryAlert as object],
    ];
    for (const [topic, schema] of schemas)
      await this.registry.register(`${topic}-value`, JSON.stringify(schema));
    this.producer = await this.context.producer();
  }

  /** The environment that points the app at this set. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      LOG_LEVEL: 'silent',
      STORE_INVENTORY_TOPIC: this.storeInventory,
      ITEM_INVENTORY_TOPIC: this.itemInventory,
      STORE_SALES_TOPIC: this.storeSales,
      ALERTS_TOPIC: this.alerts,
      RETRY_BACKOFF_MS: this.retryBackoffMs.join(','),
      ALERTS_GROUP_ID: this.alertingGroup,
      // The broker's minimum: a killed instance's tasks move on within seconds.
      ALERTS_SESSION_TIMEOUT_MS: '6000',
      ...extra,
    };
  }

  /** Produces store snapshots, keyed by storeId, in order; all to `partition` when given. */
  async sendStores(stores: readonly StoreInventory[], partition?: number): Promise<void> {
    const values = await Promise.all(stores.map((s) => this.serdes.store.encode(this.storeInventory, s)));
    await this.send(
      this.storeInventory,
      stores.map((s, i) => ({
        key: s.storeId,
        value: values[i] as Buffer,
        ...(partition === undefined ? {} : { partition }),
      })),
    );
  }

  /** Produces item totals, keyed by sku. */
  async sendItems(items: readonly ItemInventory[]): Promise<void> {
    const values = await Promise.all(items.map((s) => this.serdes.item.encode(this.itemInventory, s)));
    await this.send(
      this.itemInventory,
      items.map((s, i) => ({ key: s.sku, value: values[i] as Buffer })),
    );
  }

  /** Produces sales windows, keyed by storeId. */
  async sendSales(windows: readonly StoreSalesWindow[]): Promise<void> {
    const values = await Promise.all(windows.map((w) => this.serdes.sales.encode(this.storeSales, w)));
    await this.send(
      this.storeSales,
      windows.map((w, i) => ({ key: w.storeId, value: values[i] as Buffer })),
    );
  }

  /** Produces raw bytes (poison records). */
  async send(
    topic: string,
    messages: Array<{ key: string; value: Buffer | null; headers?: IHeaders; partition?: number }>,
  ): Promise<void> {
    await this.producer?.send({ topic, acks: -1, messages });
  }

  /**
   * Waits until the alerting topology has committed every store.inventory
   * record: under exactly-once its alerts for them are then committed too,
   * so a read_committed read of the alerts topic sees all it will ever raise.
   */
  async alertingCaughtUp(timeoutMs = 45_000): Promise<void> {
    const admin = await this.context.connectedAdmin();
    await waitFor(
      'the alerting topology to commit every store.inventory record',
      async () => {
        const ends = await admin.fetchTopicOffsets(this.storeInventory);
        const [committed] = await admin.fetchOffsets({
          groupId: this.alertingGroup,
          topics: [this.storeInventory],
        });
        const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
        const behind = ends.filter((p) => (at.get(p.partition) ?? -1n) < BigInt(p.high));
        if (behind.length > 0)
          throw new Error(`behind on partitions ${behind.map((p) => p.partition).join(', ')}`);
        return true;
      },
      timeoutMs,
      250,
    );
  }

  /** Decodes an alert read back. */
  decodeAlert(value: Buffer): Promise<InventoryAlert> {
    return this.serdes.alert.decode(value);
  }

  /** Every record of `topic` now (up to the high watermarks), with headers as strings. */
  async read(topic: string): Promise<ReadRecord[]> {
    const admin = await this.context.connectedAdmin();
    const ends = new Map<number, bigint>();
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    }
    const records: ReadRecord[] = [];
    if (ends.size === 0) return records;
    // read_committed (kafkajs' default): records of aborted transactions are skipped, and a
    // partition ending in a transaction marker is read to its end once the marker's batch is.
    const consumer = await this.context.consumer();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} records of ${topic}`)), 20_000);
      const reached = (partition: number, offset: string) => {
        if (BigInt(offset) + 1n >= (ends.get(partition) ?? 0n)) ends.delete(partition);
        if (ends.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
        reached(payload.partition, payload.lastOffset),
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            records.push({
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value,
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
              ),
            });
            reached(partition, message.offset);
          },
        })
        .catch(reject);
    });
    await consumer.stop();
    await consumer.disconnect();
    return records;
  }
}
