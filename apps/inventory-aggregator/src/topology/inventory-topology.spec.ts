/**
 * The topology through the TopologyTestDriver, with the real Avro serdes over
 * an in-memory registry: stock per sku and per store is Σ RESTOCK − Σ SALE
 * (negative included), a redelivered transaction counts once, and sales
 * windows accept late sales within the grace period and drop later ones.
 */
import { InMemorySchemaRegistry, inventorySchemas, type ItemTransaction } from '@eda/events';
import type { ItemInventory, StoreInventory, StoreSalesWindow } from '@eda/events';
import { readFailureHeaders } from '@eda/kafka';
import { DeadLetterHeaders, Serdes } from '@eda/streams';
import { TopologyTestDriver } from '@eda/streams/testing';
import { prepareInventorySerdes } from '../serdes/avro-streams-serde';
import { aggregatorFailureHeaders } from '../streams/dead-letter-headers';
import type { InventorySerdes } from './inventory-topology';
import {
  buildInventoryTopology,
  ITEMS_BY_SKU,
  STORES,
  type InventoryTopologyOptions,
} from './inventory-topology';

const S = Serdes.String();
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const topics = {
  items: 'items',
  itemInventory: 'item.inventory',
  storeInventory: 'store.inventory',
  storeSales: 'store.sales.1m',
};
const options: InventoryTopologyOptions = {
  topics,
  salesWindowMs: MINUTE,
  salesGraceMs: 10_000,
  salesRetentionMs: 24 * 60 * MINUTE,
  dedupeWindowMs: 24 * 60 * MINUTE,
};

let sequence = 0;
function tx(
  partial: Partial<ItemTransaction> & Pick<ItemTransaction, 'storeId' | 'sku' | 'type' | 'quantity'>,
): ItemTransaction {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    unitPrice: 250,
    currency: 'USD',
    timestamp: T0 + sequence * 1000,
    ...partial,
  };
}

async function serdes(): Promise<InventorySerdes> {
  const registry = new InMemorySchemaRegistry();
  for (const [topic, schema] of [
    [topics.items, inventorySchemas.ItemTransaction],
    [topics.itemInventory, inventorySchemas.ItemInventory],
    [topics.storeInventory, inventorySchemas.StoreInventory],
    [topics.storeSales, inventorySchemas.StoreSalesWindow],
  ] as const) {
    await registry.register(`${topic}-value`, JSON.stringify(schema));
  }
  return prepareInventorySerdes(registry, topics);
}

describe('inventory topology', () => {
  let driver: TopologyTestDriver;
  let pipe: (t: ItemTransaction) => void;
  let serde: InventorySerdes;

  beforeEach(async () => {
    serde = await serdes();
    driver = new TopologyTestDriver(buildInventoryTopology(options, serde), {
      'application.id': 'inventory-aggregator',
    });
    const input = driver.createInputTopic('items', S, serde.itemTransaction);
    pipe = (t) => input.pipeInput(t.storeId, t, t.timestamp);
  });
  afterEach(() => driver.close());

  const itemOutput = () =>
    driver.createOutputTopic('item.inventory', S, serde.itemInventory).readKeyValuesToMap() as Map<
      string,
      ItemInventory
    >;
  const storeOutput = () =>
    driver.createOutputTopic('store.inventory', S, serde.storeInventory).readKeyValuesToMap() as Map<
      string,
      StoreInventory
    >;
  const salesOutput = () =>
    driver
      .createOutputTopic('store.sales.1m', S, serde.storeSalesWindow)
      .readValuesToList() as StoreSalesWindow[];

  it('keeps stock per sku and per store as Σ RESTOCK − Σ SALE, negative when oversold', () => {
    const transactions = [
      tx({ storeId: 's1', sku: 'A', type: 'RESTOCK', quantity: 10 }),
      tx({ storeId: 's2', sku: 'A', type: 'RESTOCK', quantity: 5 }),
      tx({ storeId: 's1', sku: 'A', type: 'SALE', quantity: 3 }),
      tx({ storeId: 's2', sku: 'B', type: 'SALE', quantity: 4 }),
      tx({ storeId: 's2', sku: 'A', type: 'SALE', quantity: 1 }),
    ];
    transactions.forEach(pipe);
    const last = transactions[4]!.timestamp;

    expect(Object.fromEntries(itemOutput())).toEqual({
      A: { sku: 'A', quantity: 11, updatedAt: last },
      B: { sku: 'B', quantity: -4, updatedAt: transactions[3]!.timestamp },
    });
    expect(Object.fromEntries(storeOutput())).toEqual({
      s1: { storeId: 's1', items: { A: 7 }, updatedAt: transactions[2]!.timestamp },
      s2: { storeId: 's2', items: { A: 4, B: -4 }, updatedAt: last },
    });
    expect(driver.getKeyValueStore<string, { quantity: number }>(STORES.itemStock).get('B')?.quantity).toBe(
      -4,
    );
  });

  it('counts a transaction delivered twice (same id) once, in stock and in sales', () => {
    const sale = tx({ storeId: 's1', sku: 'A', type: 'SALE', quantity: 2 });
    const restock = tx({ storeId: 's1', sku: 'A', type: 'RESTOCK', quantity: 9 });
    [restock, sale, sale, restock, sale].forEach(pipe);

    expect(itemOutput().get('A')?.quantity).toBe(7);
    expect(storeOutput().get('s1')?.items).toEqual({ A: 7 });
    const windows = salesOutput();
    expect(windows.at(-1)).toMatchObject({ unitsSold: 2, revenue: 500, transactions: 1 });
    expect(driver.metrics()['streams.records.dropped']).toBe(3);
  });

  it('re-keys by sku through <application.id>-items-by-sku-repartition', () => {
    pipe(tx({ storeId: 's1', sku: 'A', type: 'SALE', quantity: 1 }));
    expect(driver.producedTopicNames()).toEqual(
      expect.arrayContaining([
        `inventory-aggregator-${ITEMS_BY_SKU}-repartition`,
        `inventory-aggregator-${STORES.transactionIds}-changelog`,
        `inventory-aggregator-${STORES.itemStock}-changelog`,
        `inventory-aggregator-${STORES.storeStock}-changelog`,
        `inventory-aggregator-${STORES.storeSales}-changelog`,
      ]),
    );
  });

  it('sums sales per store in 1-minute windows, accepts a late sale within grace and drops a later one', () => {
    const at = (offsetMs: number) => T0 + offsetMs;
    pipe(tx({ storeId: 's1', sku: 'A', type: 'SALE', quantity: 1, unitPrice: 100, timestamp: at(5_000) }));
    pipe(tx({ storeId: 's1', sku: 'B', type: 'SALE', quantity: 2, unitPrice: 300, timestamp: at(30_000) }));
    pipe(tx({ storeId: 's1', sku: 'A', type: 'RESTOCK', quantity: 50, timestamp: at(40_000) })); // not a sale
    pipe(tx({ storeId: 's1', sku: 'A', type: 'SALE', quantity: 1, unitPrice: 100, timestamp: at(65_000) }));
    // Stream time 65 s: window [0, 60 s) closes at 60 s + 10 s grace, so a sale at 50 s still counts ...
    pipe(tx({ storeId: 's1', sku: 'A', type: 'SALE', quantity: 4, unitPrice: 100, timestamp: at(50_000) }));
    pipe(tx({ storeId: 's1', sku: 'A', type: 'SALE', quantity: 1, unitPrice: 100, timestamp: at(71_000) }));
    // ... and once stream time passed 70 s, one at 55 s is dropped.
    pipe(tx({ storeId: 's1', sku: 'A', type: 'SALE', quantity: 7, unitPrice: 100, timestamp: at(55_000) }));

    const latest = new Map<number, StoreSalesWindow>();
    for (const w of salesOutput()) latest.set(w.windowStart, w);
    expect([...latest.values()]).toEqual([
      {
        storeId: 's1',
        windowStart: T0,
        windowEnd: T0 + MINUTE,
        unitsSold: 7,
        revenue: 1_100,
        transactions: 3,
      },
      {
        storeId: 's1',
        windowStart: T0 + MINUTE,
        windowEnd: T0 + 2 * MINUTE,
        unitsSold: 2,
        revenue: 200,
        transactions: 2,
      },
    ]);
    // The late sale is still stock: stock ignores windows.
    expect(storeOutput().get('s1')?.items).toEqual({ A: 50 - 1 - 1 - 4 - 1 - 7, B: -2 });
  });
});

describe('inventory topology, undecodable input (DESERIALIZATION_ERRORS=dead-letter)', () => {
  it('writes garbage to the DLQ with its bytes, KIP-1034 and eda.* headers; the aggregates stay exact', async () => {
    const serde = await serdes();
    const driver = new TopologyTestDriver(buildInventoryTopology(options, serde), {
      'application.id': 'inventory-aggregator',
      'deserialization.exception.handler': 'dead-letter',
      'errors.dead.letter.queue.topic.name': 'items.dlq',
      'errors.dead.letter.queue.headers': aggregatorFailureHeaders,
    });
    const input = driver.createInputTopic('items', S, Serdes.Buffer());
    const restock = tx({ storeId: 's1', sku: 'A', type: 'RESTOCK', quantity: 10 });
    const sale = tx({ storeId: 's1', sku: 'A', type: 'SALE', quantity: 3 });
    const garbage = Buffer.from('not avro at all');
    // Confluent framing with a schema id the registry never had.
    const unknownSchema = Buffer.concat([Buffer.from([0, 0, 0, 0x27, 0x0f]), Buffer.from('payload')]);
    input.pipeInput('s1', serde.itemTransaction.serialize(restock, 'items'), restock.timestamp);
    input.pipeInput('s1', garbage, restock.timestamp + 1, { traceparent: 'tp' });
    input.pipeInput('s2', unknownSchema, restock.timestamp + 2);
    input.pipeInput('s1', serde.itemTransaction.serialize(sale, 'items'), sale.timestamp);

    const items = driver.createOutputTopic('item.inventory', S, serde.itemInventory).readKeyValuesToMap();
    expect(items.get('A')?.quantity).toBe(7);
    const dead = driver.createDeadLetterQueueTopic().readRecordsToList();
    expect(dead.map((r) => [r.key?.toString(), r.value])).toEqual([
      ['s1', garbage],
      ['s2', unknownSchema],
    ]);
    const [first, second] = dead as [(typeof dead)[number], (typeof dead)[number]];
    expect(String(first.headers[DeadLetterHeaders.TOPIC])).toBe('items');
    expect(String(first.headers[DeadLetterHeaders.OFFSET])).toBe('1');
    expect(String(first.headers['traceparent'])).toBe('tp');
    // dlq:replay's reading of the same record: where it came from and why.
    const asKafkaJs = (h: Record<string, Buffer | string>) =>
      Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.from(v)]));
    expect(readFailureHeaders(asKafkaJs(first.headers))).toMatchObject({
      errorClass: 'UnknownMagicByteError',
      topic: 'items',
      partition: 0,
      offset: '1',
      timestamp: String(restock.timestamp + 1),
      attempts: 1,
    });
    const failure = readFailureHeaders(asKafkaJs(second.headers));
    expect(failure?.offset).toBe('2');
    expect(failure?.errorClass).toBe('SchemaNotLoadedError');
    expect(String(second.headers[DeadLetterHeaders.EXCEPTION])).toContain(failure!.errorMessage);
    expect(driver.metrics()['streams.records.dead_lettered']).toBe(2);
    driver.close();
  });
});
