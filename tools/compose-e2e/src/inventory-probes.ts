/**
 * What the running system reports, compared with what a seed must produce.
 *
 * The expectation is not computed here: the simulator's own scenario
 * (`scenarioTransactions`, the pure function its simulations run) gives the
 * transactions, and the aggregator's test oracle (`expectInventory`, which
 * folds them without the topology) gives the aggregates. Each probe returns
 * the first difference it finds, as a sentence, or undefined when all agree.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  type ItemTransaction,
  type StoreInventory,
  type StoreSalesWindow,
} from '@eda/events';
import { scenarioTransactions } from '../../../apps/store-simulator/src/scenario/store-scenario';
import {
  expectInventory,
  type InventoryExpectation,
} from '../../../apps/inventory-aggregator/src/testing/inventory-expectation';

export type { InventoryExpectation };

/** A seeded simulation, as POST /api/simulations takes it. */
export interface SeededRun {
  readonly seed: number;
  readonly count: number;
  readonly stores: number;
  readonly skus: number;
  /**
   * Event time of the scenario's start (ISO-8601). The test passes the present:
   * the broker deletes records older than a topic's retention by timestamp,
   * and the scenario's default epoch (2026-01-01) would lose sales windows and
   * changelog records at the next retention check.
   */
  readonly startTime: string;
}

/** The transactions of `run`, and the aggregates they must produce. */
export function expectationOf(run: SeededRun): {
  transactions: ItemTransaction[];
  expected: InventoryExpectation;
} {
  const options = {
    seed: run.seed,
    stores: run.stores,
    skus: run.skus,
    startTime: Date.parse(run.startTime),
  };
  const transactions = scenarioTransactions(options, run.count);
  return { transactions, expected: expectInventory(transactions) };
}

/** Sorted copy of a sku -> quantity map, for order-free comparison. */
function canonical(items: Record<string, number>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(items).sort(([a], [b]) => a.localeCompare(b))));
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/** The aggregator's interactive queries against `expected`: items, store stock, summed sales windows. */
export async function queryApiMismatch(
  aggregatorUrl: string,
  expected: InventoryExpectation,
): Promise<string | undefined> {
  for (const [sku, want] of expected.items) {
    const { status, body } = await getJson(`${aggregatorUrl}/api/items/${sku}`);
    const wanted = { sku, quantity: want.quantity, updatedAt: new Date(want.updatedAt).toISOString() };
    if (status !== 200 || JSON.stringify(body) !== JSON.stringify(wanted)) {
      return `GET /api/items/${sku}: ${status} ${JSON.stringify(body)}, want ${JSON.stringify(wanted)}`;
    }
  }
  for (const [storeId, want] of expected.stores) {
    const { status, body } = await getJson(`${aggregatorUrl}/api/stores/${storeId}/inventory`);
    const items = (body['items'] ?? {}) as Record<string, number>;
    if (
      status !== 200 ||
      canonical(items) !== canonical(want.items) ||
      body['updatedAt'] !== new Date(want.updatedAt).toISOString()
    ) {
      return `GET /api/stores/${storeId}/inventory: ${status} ${JSON.stringify(body)}, want items ${canonical(want.items)}`;
    }
  }
  for (const [storeId, want] of expected.sales) {
    const { status, body } = await getJson(`${aggregatorUrl}/api/stores/${storeId}/sales`);
    const windows = (body['windows'] ?? []) as Array<{
      unitsSold: number;
      revenue: number;
      transactions: number;
    }>;
    const got = windows.reduce(
      (t, w) => ({
        unitsSold: t.unitsSold + w.unitsSold,
        revenue: t.revenue + w.revenue,
        transactions: t.transactions + w.transactions,
      }),
      { unitsSold: 0, revenue: 0, transactions: 0 },
    );
    if (status !== 200 || JSON.stringify(got) !== JSON.stringify(want)) {
      return `GET /api/stores/${storeId}/sales: ${status}, windows sum to ${JSON.stringify(got)}, want ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

/**
 * Reads `store.inventory` and `store.sales.1m` from the beginning through the
 * published Kafka port, keeping each key's latest value (read_committed: the
 * aggregator writes them in transactions).
 */
export class OutputTopicsReader {
  private readonly stores = new Map<string, StoreInventory>();
  private readonly windows = new Map<string, StoreSalesWindow>();
  private consumer: Consumer | undefined;

  constructor(
    private readonly brokers: string,
    private readonly registryUrl: string,
  ) {}

  /** Subscribes and starts consuming in the background. */
  async start(): Promise<void> {
    const registry = createSchemaRegistryClient({ url: this.registryUrl, timeoutMs: 5_000, retries: 3 });
    const serdes: Record<string, AvroSerde<unknown>> = {
      'store.inventory': new AvroSerde<StoreInventory>({ registry, schema: inventorySchemas.StoreInventory }),
      'store.sales.1m': new AvroSerde<StoreSalesWindow>({
        registry,
        schema: inventorySchemas.StoreSalesWindow,
      }),
    };
    const kafka = new Kafka({ clientId: 'compose-e2e', brokers: [this.brokers], logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `compose-e2e-${Date.now()}`, readUncommitted: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: Object.keys(serdes), fromBeginning: true });
    void this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (message.value === null) return;
        const value = await (serdes[topic] as AvroSerde<unknown>).decode(message.value, {
          topic,
          partition,
          offset: message.offset,
        });
        if (topic === 'store.inventory') this.stores.set(String(message.key), value as StoreInventory);
        else {
          const w = value as StoreSalesWindow;
          this.windows.set(`${w.storeId}@${w.windowStart}`, w);
        }
      },
    });
  }

  /** The first difference between the topics' latest values and `expected`, or undefined. */
  mismatch(expected: InventoryExpectation): string | undefined {
    for (const [storeId, want] of expected.stores) {
      const got = this.stores.get(storeId);
      if (got === undefined || canonical(got.items) !== canonical(want.items)) {
        return `store.inventory[${storeId}] = ${got ? canonical(got.items) : 'absent'}, want ${canonical(want.items)}`;
      }
    }
    for (const [storeId, want] of expected.sales) {
      const got = { unitsSold: 0, revenue: 0, transactions: 0 };
      for (const w of this.windows.values()) {
        if (w.storeId !== storeId) continue;
        got.unitsSold += Number(w.unitsSold);
        got.revenue += Number(w.revenue);
        got.transactions += Number(w.transactions);
      }
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        return `store.sales.1m windows of ${storeId} sum to ${JSON.stringify(got)}, want ${JSON.stringify(want)}`;
      }
    }
    return undefined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
