/**
 * Fault-suite fixture: fresh topics and subjects on the fault stack, a
 * seeded load of ItemTransactions (some re-sent under the same id) that keeps
 * retrying across an outage, and an independent expectation of every stock
 * value and every one-minute sales window, checked on the query API and on
 * the output topics.
 */
import {
  AvroSerde,
  type AvroSerdeOptions,
  createSchemaRegistryClient,
  inventorySchemas,
  registryConfigFromEnv,
  type ItemInventory,
  type ItemTransaction,
  type StoreInventory,
  type StoreSalesWindow,
} from '@eda/events';
import { KafkaTestContext, waitFor } from '@eda/testing';
import type { Producer } from 'kafkajs';
import { getJson, type AggregatorInstance } from './aggregator-process.fixture';
import { expectInventory, type InventoryExpectation } from './inventory-expectation';

const MINUTE = 60_000;

/** The pipeline's topics, named uniquely per test. */
export interface PipelineTopics {
  readonly items: string;
  readonly itemInventory: string;
  readonly storeInventory: string;
  readonly storeSales: string;
  readonly deadLetter: string;
}

/** Creates the topics (input with `partitions`) and registers their value subjects. */
export async function createPipelineTopics(
  context: KafkaTestContext,
  partitions = 3,
): Promise<PipelineTopics> {
  const compacted = { partitions, config: { 'cleanup.policy': 'compact' } };
  const topics: PipelineTopics = {
    items: await context.createTopic('items', { partitions }),
    itemInventory: await context.createTopic('item.inventory', compacted),
    storeInventory: await context.createTopic('store.inventory', compacted),
    storeSales: await context.createTopic('store.sales.1m', { partitions }),
    deadLetter: await context.createTopic('items.dlq'),
  };
  const registry = createSchemaRegistryClient(registryConfigFromEnv());
  for (const [topic, schema] of [
    [topics.items, inventorySchemas.ItemTransaction],
    [topics.itemInventory, inventorySchemas.ItemInventory],
    [topics.storeInventory, inventorySchemas.StoreInventory],
    [topics.storeSales, inventorySchemas.StoreSalesWindow],
  ] as const) {
    await registry.register(`${topic}-value`, JSON.stringify(schema));
  }
  return topics;
}

/** The aggregator's environment for `topics`. */
export function aggregatorEnv(applicationId: string, topics: PipelineTopics): Record<string, string> {
  return {
    APPLICATION_ID: applicationId,
    ITEMS_TOPIC: topics.items,
    ITEM_INVENTORY_TOPIC: topics.itemInventory,
    STORE_INVENTORY_TOPIC: topics.storeInventory,
    STORE_SALES_TOPIC: topics.storeSales,
    DEAD_LETTER_TOPIC: topics.deadLetter,
    START_RETRY_MS: '500',
  };
}

/** A seeded workload: `distinct` transactions, plus re-sends of some of them. */
export interface Workload {
  /** In send order; re-sends are the same objects as the transactions they repeat. */
  readonly sends: readonly ItemTransaction[];
  /** Records that are re-sends of an id already sent. */
  readonly resent: number;
  readonly expected: InventoryExpectation;
  /** Expected windows: `${storeId}@${windowStart}` -> totals. */
  readonly windows: ReadonlyMap<string, { unitsSold: number; revenue: number; transactions: number }>;
  /** Event times are stamped when a transaction is first sent (the wall clock), not in advance. */
  readonly wallClock: boolean;
}

/**
 * Builds a workload. Event times increase with the send order (no late
 * records), start `spanMs + 60 s` in the past (inside any retention) and are
 * spread over several one-minute windows, so a window lost to a wrong "late"
 * verdict shows up. About `resendRatio` of the sends repeat an earlier id.
 */
export function buildWorkload(options: {
  distinct: number;
  seed: number;
  stores?: number;
  skus?: number;
  spanMs?: number;
  resendRatio?: number;
  /** Stamp each transaction with the wall clock when first sent, as a live producer does. */
  wallClock?: boolean;
}): Workload {
  const { distinct, seed, stores = 4, skus = 20, spanMs = 4 * MINUTE, resendRatio = 0.05 } = options;
  const wallClock = options.wallClock ?? false;
  const random = mulberry32(seed);
  const start = Date.now() - spanMs - MINUTE;
  const unique: ItemTransaction[] = [];
  const sends: ItemTransaction[] = [];
  let resent = 0;
  for (let i = 0; i < distinct; i++) {
    const tx: ItemTransaction = {
      id: uuidFrom(seed, i),
      storeId: `store-${1 + Math.floor(random() * stores)}`,
      sku: `SKU-${String(1 + Math.floor(random() * skus)).padStart(5, '0')}`,
      type: random() < 0.3 ? 'RESTOCK' : 'SALE',
      quantity: 1 + Math.floor(random() * 9),
      unitPrice: 100 + Math.floor(random() * 900),
      currency: 'USD',
      timestamp: start + Math.floor((i * spanMs) / distinct),
    };
    unique.push(tx);
    sends.push(tx);
    if (i > 0 && random() < resendRatio) {
      // A recent one, as a producer retry or an at-least-once bridge would re-send it.
      sends.push(unique[Math.max(0, i - 1 - Math.floor(random() * 50))] as ItemTransaction);
      resent++;
    }
  }
  return { sends, resent, wallClock, ...expectationOf(unique) };
}

/** Undecodable records of three kinds: not Avro, an unknown schema id, a truncated payload. */
export function poisonRecord(i: number): Buffer {
  switch (i % 3) {
    case 0:
      return Buffer.from(`not avro at all #${i}`);
    case 1:
      return Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0]), Buffer.from(`payload ${i}`)]);
    default:
      return Buffer.from([0, 0, 0, 0, 1, 0x02]);
  }
}

/** The number of poison records {@link sendWorkload} sends for `sends` transactions. */
export function poisonCount(sends: number, poisonEvery: number): number {
  return poisonEvery === 0 ? 0 : Math.floor(sends / poisonEvery);
}

/** One window's totals. */
type WindowTotals = { unitsSold: number; revenue: number; transactions: number };

/** The aggregates and windows `transactions` (distinct ids) must produce. */
function expectationOf(transactions: readonly ItemTransaction[]): Pick<Workload, 'expected' | 'windows'> {
  const windows = new Map<string, { unitsSold: number; revenue: number; transactions: number }>();
  for (const tx of transactions) {
    if (tx.type !== 'SALE') continue;
    const key = `${tx.storeId}@${tx.timestamp - (tx.timestamp % MINUTE)}`;
    const w = windows.get(key) ?? { unitsSold: 0, revenue: 0, transactions: 0 };
    windows.set(key, {
      unitsSold: w.unitsSold + tx.quantity,
      revenue: w.revenue + tx.quantity * tx.unitPrice,
      transactions: w.transactions + 1,
    });
  }
  return { expected: expectInventory(transactions), windows };
}

/**
 * Sends the workload in batches, keyed by storeId. A failed batch (broker
 * down) is sent again until it succeeds: the idempotent producer and the
 * aggregator's dedupe make a repeated batch harmless. `onProgress` sees the
 * number of records acknowledged so far. Resolves with the workload as sent:
 * under `wallClock`, its expectation follows the event times stamped on sending.
 */
export async function sendWorkload(
  producer: Producer,
  topic: string,
  workload: Workload,
  onProgress: (acked: number) => void = () => undefined,
  {
    batchSize = 500,
    concurrency = 1,
    poisonEvery = 0,
  }: {
    batchSize?: number;
    concurrency?: number;
    /** Also send an undecodable record after every `poisonEvery`-th transaction (0: none). */
    poisonEvery?: number;
  } = {},
): Promise<Workload> {
  const serde = new AvroSerde<ItemTransaction>({
    registry: createSchemaRegistryClient(registryConfigFromEnv()),
    schema: inventorySchemas.ItemTransaction,
  });
  await serde.resolveWriterSchema(topic);
  const stamped = new Set<ItemTransaction>();
  const stamp = (tx: ItemTransaction): ItemTransaction => {
    if (workload.wallClock && !stamped.has(tx)) {
      (tx as { timestamp: number }).timestamp = Date.now();
      stamped.add(tx);
    }
    return tx;
  };
  let acked = 0;
  let next = 0;
  // `concurrency` sends in flight, as a load generator has them: across an outage a failed batch is
  // sent again after later ones succeeded, so the log's order is no longer the event-time order.
  const lane = async () => {
    while (next < workload.sends.length) {
      const from = next;
      next += batchSize;
      const messages = workload.sends.slice(from, from + batchSize).flatMap((tx, i) => {
        const record = { key: tx.storeId, value: serde.encodeSync(topic, stamp(tx)) };
        if (poisonEvery === 0 || (from + i + 1) % poisonEvery !== 0) return [record];
        return [record, { key: tx.storeId, value: poisonRecord(from + i) }];
      });
      for (;;) {
        try {
          await producer.send({ topic, acks: -1, messages });
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      acked += Math.min(batchSize, workload.sends.length - from);
      onProgress(acked);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return workload.wallClock ? { ...workload, ...expectationOf([...new Set(workload.sends)]) } : workload;
}

/** The input topic as the aggregator reads it: each partition's transactions in offset order. */
export type InputLog = ReadonlyMap<number, readonly ItemTransaction[]>;

/** Reads the input topic to its end. */
export async function readInputLog(context: KafkaTestContext, topic: string): Promise<InputLog> {
  const ends = await context.topicEnds(topic);
  const serde = new AvroSerde<ItemTransaction>({
    registry: createSchemaRegistryClient(registryConfigFromEnv()),
    schema: inventorySchemas.ItemTransaction,
  });
  const log = new Map<number, Array<{ offset: number; tx: ItemTransaction | undefined }>>();
  const consumer = await context.consumer();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      // Undecodable records (sent on purpose) are not transactions: the aggregator dead-letters them.
      const tx = await serde.decode(message.value as Buffer).catch(() => undefined);
      const list = log.get(partition) ?? [];
      list.push({ offset: Number(message.offset), tx });
      log.set(partition, list);
    },
  });
  const complete = () =>
    [...ends].every(([p, end]) => end === 0 || (log.get(p)?.at(-1)?.offset ?? -1) >= end - 1);
  try {
    await waitFor('the input topic read to its end', () => (complete() ? true : undefined), 120_000, 100);
  } finally {
    await consumer.disconnect();
  }
  return new Map(
    [...log].map(([p, list]) => {
      const ordered = list.sort((a, b) => a.offset - b.offset);
      return [p, ordered.flatMap((r) => (r.tx === undefined ? [] : [r.tx]))] as const;
    }),
  );
}

/**
 * What the topology must drop, replayed from the log in offset order per
 * partition (one task each): a repeated id is a duplicate; a SALE whose window
 * ended at or before (stream time − grace) is late, where stream time is the
 * highest event time of any record the partition delivered so far. An outage
 * reorders a producer's batches (a batch that failed is sent again after later
 * ones succeeded), so "late" is a property of the log, not of the workload.
 */
export function expectedDrops(log: InputLog, windowMs: number, graceMs: number) {
  let duplicates = 0;
  const late = new Map<string, { unitsSold: number; revenue: number; transactions: number }>();
  for (const transactions of log.values()) {
    const seen = new Set<string>();
    let streamTime = -1;
    for (const tx of transactions) {
      streamTime = Math.max(streamTime, tx.timestamp);
      if (seen.has(tx.id)) {
        duplicates++;
        continue;
      }
      seen.add(tx.id);
      if (tx.type !== 'SALE') continue;
      const start = tx.timestamp - (tx.timestamp % windowMs);
      if (start + windowMs > streamTime - graceMs) continue;
      const key = `${tx.storeId}@${start}`;
      const w = late.get(key) ?? { unitsSold: 0, revenue: 0, transactions: 0 };
      late.set(key, {
        unitsSold: w.unitsSold + tx.quantity,
        revenue: w.revenue + tx.quantity * tx.unitPrice,
        transactions: w.transactions + 1,
      });
    }
  }
  const lateRecords = [...late.values()].reduce((n, w) => n + w.transactions, 0);
  return { duplicates, late, lateRecords };
}

/** The workload's expectation less the windows' late records (see {@link expectedDrops}). */
export function withoutLate(
  workload: Workload,
  late: ReadonlyMap<string, { unitsSold: number; revenue: number; transactions: number }>,
): Workload {
  const windows = new Map(workload.windows);
  for (const [key, drop] of late) {
    const w = windows.get(key) as { unitsSold: number; revenue: number; transactions: number };
    const left = {
      unitsSold: w.unitsSold - drop.unitsSold,
      revenue: w.revenue - drop.revenue,
      transactions: w.transactions - drop.transactions,
    };
    if (left.transactions === 0) windows.delete(key);
    else windows.set(key, left);
  }
  return { ...workload, windows };
}

/** Polls the query API until every sku, store and window equals the expectation; fails naming a mismatch. */
export async function queryApiConverged(
  instance: AggregatorInstance,
  workload: Workload,
  timeoutMs = 240_000,
  atLeastOnce = false,
): Promise<void> {
  let mismatch = '';
  const { expected } = workload;
  await waitFor(
    `${instance.url} to agree with the expectation`,
    async () => {
      for (const [sku, want] of expected.items) {
        const { status, body } = await getJson(`${instance.url}/api/items/${sku}`);
        if (status !== 200 || (!atLeastOnce && body.quantity !== want.quantity)) {
          mismatch = `item ${sku}: ${status} ${JSON.stringify(body)}, want quantity ${want.quantity}`;
          return undefined;
        }
      }
      for (const [storeId, want] of expected.stores) {
        const { status, body } = await getJson(`${instance.url}/api/stores/${storeId}/inventory`);
        const same = JSON.stringify(sorted(body.items)) === JSON.stringify(sorted(want.items));
        if (status !== 200 || (!atLeastOnce && !same)) {
          mismatch = `store ${storeId}: ${status} ${JSON.stringify(body).slice(0, 200)}`;
          return undefined;
        }
      }
      const got = new Map<string, unknown>();
      for (const storeId of expected.stores.keys()) {
        const { status, body } = await getJson(`${instance.url}/api/stores/${storeId}/sales`);
        if (status !== 200) {
          mismatch = `sales of ${storeId}: ${status}`;
          return undefined;
        }
        for (const w of body.windows as Array<Record<string, string | number>>) {
          const start = Date.parse(String(w['windowStart']));
          got.set(`${storeId}@${start}`, {
            unitsSold: w['unitsSold'],
            revenue: w['revenue'],
            transactions: w['transactions'],
          });
        }
      }
      const diff = windowDiff(workload.windows, got, atLeastOnce);
      if (diff !== undefined) {
        mismatch = `sales windows: ${diff}`;
        return undefined;
      }
      return true;
    },
    timeoutMs,
    1000,
  ).catch((err: Error) => {
    throw new Error(
      `${err.message}; last mismatch: ${mismatch}\n--- output ---\n${instance.process.output()}`,
    );
  });
}

/** Reads the output topics (read_committed) until every latest value and window equals the expectation. */
export async function outputTopicsConverged(
  context: KafkaTestContext,
  topics: PipelineTopics,
  workload: Workload,
  timeoutMs = 120_000,
  atLeastOnce = false,
): Promise<void> {
  const registry = createSchemaRegistryClient(registryConfigFromEnv());
  const serde = <T>(schema: AvroSerdeOptions['schema']) => new AvroSerde<T>({ registry, schema });
  const serdes: Record<string, AvroSerde<unknown>> = {
    [topics.itemInventory]: serde<ItemInventory>(inventorySchemas.ItemInventory) as AvroSerde<unknown>,
    [topics.storeInventory]: serde<StoreInventory>(inventorySchemas.StoreInventory) as AvroSerde<unknown>,
    [topics.storeSales]: serde<StoreSalesWindow>(inventorySchemas.StoreSalesWindow) as AvroSerde<unknown>,
  };
  const items = new Map<string, number>();
  const stores = new Map<string, Record<string, number>>();
  const windows = new Map<string, unknown>();
  // What this reader saw, for the failure message: a key missing from an output topic is either
  // the aggregator's loss or this reader's (a decode that failed while the registry came back, a
  // consumer that crashed); the counts per partition and the last error tell them apart.
  const readPerPartition = new Map<string, number>();
  const readerErrors: string[] = [];
  const consumer = await context.consumer({ readUncommitted: false });
  consumer.on(consumer.events.CRASH, ({ payload }) =>
    readerErrors.push(`reader crashed: ${payload.error.message} (restart: ${payload.restart})`),
  );
  await consumer.subscribe({ topics: Object.keys(serdes), fromBeginning: true });
  void consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const value = await (serdes[topic] as AvroSerde<unknown>)
        .decode(message.value as Buffer, { topic, partition, offset: message.offset })
        .catch((err: Error) => {
          readerErrors.push(`decode ${topic}/${partition}@${message.offset}: ${err.message}`);
          throw err; // kafkajs retries the record
        });
      const at = `${topic}/${partition}`;
      readPerPartition.set(at, (readPerPartition.get(at) ?? 0) + 1);
      if (topic === topics.itemInventory) items.set(String(message.key), (value as ItemInventory).quantity);
      else if (topic === topics.storeInventory)
        stores.set(String(message.key), (value as StoreInventory).items);
      else {
        const { storeId, windowStart, unitsSold, revenue, transactions } = value as StoreSalesWindow;
        windows.set(`${storeId}@${windowStart}`, { unitsSold, revenue, transactions });
      }
    },
  });
  let mismatch = '';
  try {
    await waitFor(
      'output topics to carry the expected latest values and windows',
      () => {
        const wrong = [...workload.expected.items].filter(
          ([sku, want]) => items.get(sku) === undefined || (!atLeastOnce && items.get(sku) !== want.quantity),
        );
        if (wrong.length > 0) {
          const [sku, want] = wrong[0] as [string, { quantity: number }];
          mismatch =
            `item.inventory ${sku}: ${items.get(sku)}, want ${want.quantity} ` +
            `(${wrong.length} of ${workload.expected.items.size} keys differ)`;
          return undefined;
        }
        for (const [id, want] of workload.expected.stores) {
          const same = JSON.stringify(sorted(stores.get(id) ?? {})) === JSON.stringify(sorted(want.items));
          if (!stores.has(id) || (!atLeastOnce && !same)) {
            mismatch = `store.inventory ${id} differs`;
            return undefined;
          }
        }
        const diff = windowDiff(workload.windows, windows, atLeastOnce);
        if (diff !== undefined) mismatch = `store.sales.1m: ${diff}`;
        return diff === undefined ? true : undefined;
      },
      timeoutMs,
      500,
    );
  } catch (err) {
    const seen = [...readPerPartition].map(([at, n]) => `${at}=${n}`).join(', ') || 'none';
    throw new Error(
      `${(err as Error).message}; last mismatch: ${mismatch}; records read per partition: ${seen}; ` +
        `reader errors: ${readerErrors.length}${readerErrors.length ? ` (last: ${readerErrors.at(-1)})` : ''}`,
    );
  } finally {
    await consumer.disconnect();
  }
}

/**
 * The number of committed records in `topic` (read_committed), exactly: a
 * sentinel is appended to every partition first, and each partition is read
 * until its sentinel. Offsets cannot be used: transaction markers take some.
 * Call it once the writers are done.
 */
export async function committedRecordCount(context: KafkaTestContext, topic: string): Promise<number> {
  const partitions = [...(await context.topicEnds(topic)).keys()];
  const producer = await context.producer();
  const sentinel = `sentinel-${Date.now()}`;
  await producer.send({
    topic,
    acks: -1,
    messages: partitions.map((partition) => ({ partition, key: sentinel, value: null })),
  });
  let count = 0;
  const done = new Set<number>();
  const consumer = await context.consumer({ readUncommitted: false });
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (done.has(partition)) return;
      if (String(message.key) === sentinel) done.add(partition);
      else count++;
    },
  });
  try {
    await waitFor(
      `every partition of ${topic} read to its sentinel`,
      () => (done.size === partitions.length ? true : undefined),
      120_000,
      100,
    );
  } finally {
    await consumer.disconnect();
  }
  return count;
}

/** One of the instance's `/metrics` series, summed over the label sets matching `labels`; throws when none exists. */
export async function metricValue(instance: AggregatorInstance, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels !== '' && !line.includes(labels)) continue;
    found = true;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  if (!found) throw new Error(`${instance.url}/metrics has no series ${name}${labels ? `{${labels}}` : ''}`);
  return total;
}

/** The first differing window, or undefined when both maps hold the same windows and totals. */
/**
 * The first differing window, or undefined when both maps hold the same windows and totals.
 * `atLeast`: at-least-once may count a sale twice after a crash, never lose one; each window's
 * totals must then be at least the expected ones.
 */
function windowDiff(
  want: ReadonlyMap<string, WindowTotals>,
  got: ReadonlyMap<string, unknown>,
  atLeast = false,
): string | undefined {
  for (const [key, w] of want) {
    const g = got.get(key) as WindowTotals | undefined;
    const ok = atLeast
      ? g !== undefined &&
        g.unitsSold >= w.unitsSold &&
        g.revenue >= w.revenue &&
        g.transactions >= w.transactions
      : JSON.stringify(g) === JSON.stringify(w);
    if (!ok) {
      return `${key}: got ${JSON.stringify(got.get(key))}, want ${JSON.stringify(w)} (${got.size}/${want.size} windows)`;
    }
  }
  for (const key of got.keys()) if (!want.has(key)) return `unexpected window ${key}`;
  return undefined;
}

function sorted(record: Record<string, number> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(record ?? {}).sort(([a], [b]) => a.localeCompare(b)));
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuidFrom(seed: number, i: number): string {
  const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, '0').slice(-width);
  return `${hex(seed, 8)}-0000-4000-8000-${hex(Math.floor(i / 2 ** 32), 4)}${hex(i, 8)}`;
}
