/**
 * The checks of the Kafka Streams comparison: the input it generates (with
 * duplicates and late sales), the aggregates that input must produce
 * (computed here, independently of both engines), and the final state a run
 * left on its output topics.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
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

/** Every 50th record re-sends the id of the record 25 before it (2 %). */
const DUPLICATE_EVERY = 50;
/** Every 100th record (offset 37) is a sale 3 minutes older than its neighbours (1 %), past the 10 s grace. */
const LATE_EVERY = 100;
const LATE_BY_MS = 180_000;

/** The generated input and which ids are late sales (they count in stock, not in sales windows). */
export interface GeneratedInput {
  readonly transactions: ItemTransaction[];
  readonly lateIds: ReadonlySet<string>;
}

/**
 * `count` transactions over one hour of event time ending an hour ago: 20
 * stores, 200 skus, a quarter restocks; 2 % duplicates, 1 % late sales.
 */
export function generateInput(count: number): GeneratedInput {
  const start = Date.now() - 2 * 3_600_000;
  const transactions: ItemTransaction[] = [];
  const lateIds = new Set<string>();
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % DUPLICATE_EVERY === 0) {
      transactions.push(transactions[i - 25] as ItemTransaction);
      continue;
    }
    const late = i > 1000 && i % LATE_EVERY === 37;
    const restock = !late && i % 4 === 0;
    const tx: ItemTransaction = {
      id: randomUUID(),
      storeId: `store-${String(i % 20).padStart(3, '0')}`,
      sku: `SKU-${String(i % 200).padStart(5, '0')}`,
      type: restock ? TransactionType.RESTOCK : TransactionType.SALE,
      quantity: restock ? 40 : 1 + (i % 3),
      unitPrice: 1999 + (i % 7),
      currency: 'USD',
      timestamp: start + Math.floor((i * 3_600_000) / count) - (late ? LATE_BY_MS : 0),
    };
    if (late) lateIds.add(tx.id);
    transactions.push(tx);
  }
  return { transactions, lateIds };
}

/** Final aggregates, in a form two engines and the expectation can be compared in. */
export interface InventoryState {
  /** sku -> "quantity@updatedAt" */
  readonly items: Map<string, string>;
  /** storeId -> "updatedAt {sku: quantity, ...}" (skus sorted) */
  readonly stores: Map<string, string>;
  /** storeId -> "unitsSold/revenue/transactions" summed over the store's windows */
  readonly salesByStore: Map<string, string>;
  /** "storeId@windowStart" -> "unitsSold/revenue/transactions" (empty for the expectation) */
  readonly windows: Map<string, string>;
}

const storeText = (items: Record<string, number>, updatedAt: number) =>
  `${updatedAt} ${JSON.stringify(Object.fromEntries(Object.entries(items).sort(([a], [b]) => (a < b ? -1 : 1))))}`;

/** What the input must produce: first occurrence per id counts, late sales only in stock. */
export function expectState(input: GeneratedInput): InventoryState {
  const seen = new Set<string>();
  const items = new Map<string, { q: number; t: number }>();
  const stores = new Map<string, { items: Record<string, number>; t: number }>();
  const sales = new Map<string, [number, number, number]>();
  for (const tx of input.transactions) {
    if (seen.has(tx.id)) continue;
    seen.add(tx.id);
    const delta = tx.type === TransactionType.RESTOCK ? tx.quantity : -tx.quantity;
    const item = items.get(tx.sku) ?? { q: 0, t: 0 };
    items.set(tx.sku, { q: item.q + delta, t: Math.max(item.t, tx.timestamp) });
    const store = stores.get(tx.storeId) ?? { items: {}, t: 0 };
    store.items[tx.sku] = (store.items[tx.sku] ?? 0) + delta;
    store.t = Math.max(store.t, tx.timestamp);
    stores.set(tx.storeId, store);
    if (tx.type === TransactionType.SALE && !input.lateIds.has(tx.id)) {
      const s = sales.get(tx.storeId) ?? [0, 0, 0];
      sales.set(tx.storeId, [s[0] + tx.quantity, s[1] + tx.quantity * tx.unitPrice, s[2] + 1]);
    }
  }
  return {
    items: new Map([...items].map(([k, v]) => [k, `${v.q}@${v.t}`])),
    stores: new Map([...stores].map(([k, v]) => [k, storeText(v.items, v.t)])),
    salesByStore: new Map([...sales].map(([k, v]) => [k, v.join('/')])),
    windows: new Map(),
  };
}

/** Reads `topic` from the beginning (read_committed) until every partition is drained; last value per key wins. */
async function lastValues<T>(
  kafka: Kafka,
  topic: string,
  decode: (value: Buffer) => T,
  keyOf: (value: T) => string,
): Promise<Map<string, T>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const pending = new Map(ends.filter((p) => Number(p.high) > 0).map((p) => [p.partition, Number(p.high)]));
  const out = new Map<string, T>();
  if (pending.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `bench-verify-${randomUUID()}`, maxBytes: 16 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let lastProgress = Date.now();
  await new Promise<void>((resolve, reject) => {
    // Under exactly-once the last offsets are transaction markers that no fetch returns: a quiet second ends it.
    const timer = setInterval(() => {
      if (pending.size === 0 || Date.now() - lastProgress > 1500) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const v = decode(m.value as Buffer);
            out.set(keyOf(v), v);
            if (Number(m.offset) + 1 >= (pending.get(batch.partition) ?? Infinity))
              pending.delete(batch.partition);
          }
          lastProgress = Date.now();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}

/** The final state a run left on its three output topics. */
export async function readState(
  kafka: Kafka,
  registry: SchemaRegistryClient,
  topics: { itemInventory: string; storeInventory: string; storeSales: string },
): Promise<InventoryState> {
  const item = new AvroSerde<ItemInventory>({ registry, schema: inventorySchemas.ItemInventory });
  const store = new AvroSerde<StoreInventory>({ registry, schema: inventorySchemas.StoreInventory });
  const sales = new AvroSerde<StoreSalesWindow>({ registry, schema: inventorySchemas.StoreSalesWindow });
  for (const [serde, topic] of [
    [item, topics.itemInventory],
    [store, topics.storeInventory],
    [sales, topics.storeSales],
  ] as const)
    await (serde as AvroSerde<unknown>).resolveWriterSchema(topic);
  const [items, stores, windows] = await Promise.all([
    lastValues(
      kafka,
      topics.itemInventory,
      (b) => item.decodeSync(b, { topic: topics.itemInventory }),
      (v) => v.sku,
    ),
    lastValues(
      kafka,
      topics.storeInventory,
      (b) => store.decodeSync(b, { topic: topics.storeInventory }),
      (v) => v.storeId,
    ),
    lastValues(
      kafka,
      topics.storeSales,
      (b) => sales.decodeSync(b, { topic: topics.storeSales }),
      (v) => `${v.storeId}@${Number(v.windowStart)}`,
    ),
  ]);
  const salesByStore = new Map<string, [number, number, number]>();
  for (const w of windows.values()) {
    const s = salesByStore.get(w.storeId) ?? [0, 0, 0];
    salesByStore.set(w.storeId, [
      s[0] + Number(w.unitsSold),
      s[1] + Number(w.revenue),
      s[2] + Number(w.transactions),
    ]);
  }
  return {
    items: new Map([...items].map(([k, v]) => [k, `${Number(v.quantity)}@${Number(v.updatedAt)}`])),
    stores: new Map([...stores].map(([k, v]) => [k, storeText(mapOf(v.items), Number(v.updatedAt))])),
    salesByStore: new Map([...salesByStore].map(([k, v]) => [k, v.join('/')])),
    windows: new Map(
      [...windows].map(([k, w]) => [
        k,
        `${Number(w.unitsSold)}/${Number(w.revenue)}/${Number(w.transactions)}`,
      ]),
    ),
  };
}

function mapOf(items: unknown): Record<string, number> {
  const entries = items instanceof Map ? [...items] : Object.entries(items as Record<string, unknown>);
  return Object.fromEntries(entries.map(([k, v]) => [k, Number(v)]));
}

/** Differences between two states (at most `limit` lines); `windows` compared only when both have them. */
export function diffStates(a: InventoryState, b: InventoryState, limit = 5): string[] {
  const out: string[] = [];
  const parts = ['items', 'stores', 'salesByStore', 'windows'] as const;
  for (const part of parts) {
    if (part === 'windows' && (a.windows.size === 0 || b.windows.size === 0)) continue;
    const keys = new Set([...a[part].keys(), ...b[part].keys()]);
    for (const k of keys) {
      if (a[part].get(k) !== b[part].get(k))
        out.push(`${part}[${k}]: ${a[part].get(k)} vs ${b[part].get(k)}`);
      if (out.length >= limit) return out;
    }
  }
  return out;
}
