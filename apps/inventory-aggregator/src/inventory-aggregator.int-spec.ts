/**
 * End to end on the native stack: the simulator CLI sends seeded transactions
 * to a fresh input topic; two aggregator processes share the work. Every
 * sku's and store's stock, read through either instance (so half the answers
 * are forwarded) and from the compacted output topics, must equal what this
 * test computes itself from the records it consumed from the input topic.
 * Then duplicates are re-sent, undecodable records must land in the
 * dead-letter topic (exactly once, original bytes, KIP-1034 and `eda.*`
 * headers) without disturbing the aggregates, an instance is killed with
 * SIGKILL mid-stream and restarted, and the answers must still be exact.
 *
 * AGGREGATOR_E2E_COUNT overrides the number of simulated transactions (20,000).
 */
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  registryConfigFromEnv,
  type ItemInventory,
  type ItemTransaction,
  type StoreInventory,
  type StoreSalesWindow,
} from '@eda/events';
import { readFailureHeaders } from '@eda/kafka';
import { DeadLetterHeaders } from '@eda/streams';
import { KafkaTestContext, uniqueName, waitFor } from '@eda/testing';
import type { Consumer, KafkaMessage } from 'kafkajs';
import {
  exited,
  freePort,
  getJson,
  launch,
  startAggregator,
  type AggregatorInstance,
  waitUntilReady,
} from './testing/aggregator-process.fixture';
import { expectInventory, type InventoryExpectation } from './testing/inventory-expectation';

const COUNT = Number(process.env['AGGREGATOR_E2E_COUNT'] || 20_000);
const RESENT = 1_000;
const SECOND_RUN = 3_000;
const registry = createSchemaRegistryClient(registryConfigFromEnv());

/** One input record as consumed: raw bytes (to re-send) and the decoded value. */
interface InputRecord {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly transaction: ItemTransaction;
}

describe('inventory-aggregator, two instances on the native stack', () => {
  const context = new KafkaTestContext('inventory-aggregator');
  const applicationId = uniqueName('inventory-aggregator');
  const topics = { items: '', itemInventory: '', storeInventory: '', storeSales: '' };
  let deadLetterTopic = '';
  const input: InputRecord[] = [];
  const instances: AggregatorInstance[] = [];
  let env: Record<string, string>;
  let inputReader: Consumer;
  let expected: InventoryExpectation;

  beforeAll(async () => {
    topics.items = await context.createTopic('items', { partitions: 3 });
    const compacted = { partitions: 3, config: { 'cleanup.policy': 'compact' } };
    topics.itemInventory = await context.createTopic('item.inventory', compacted);
    topics.storeInventory = await context.createTopic('store.inventory', compacted);
    topics.storeSales = await context.createTopic('store.sales.1m', { partitions: 3 });
    deadLetterTopic = await context.createTopic('items.dlq');
    for (const [topic, schema] of [
      [topics.items, inventorySchemas.ItemTransaction],
      [topics.itemInventory, inventorySchemas.ItemInventory],
      [topics.storeInventory, inventorySchemas.StoreInventory],
      [topics.storeSales, inventorySchemas.StoreSalesWindow],
    ] as const) {
      await registry.register(`${topic}-value`, JSON.stringify(schema));
    }
    env = {
      APPLICATION_ID: applicationId,
      ITEMS_TOPIC: topics.items,
      ITEM_INVENTORY_TOPIC: topics.itemInventory,
      STORE_INVENTORY_TOPIC: topics.storeInventory,
      STORE_SALES_TOPIC: topics.storeSales,
      DEAD_LETTER_TOPIC: deadLetterTopic, // DESERIALIZATION_ERRORS defaults to dead-letter
      START_RETRY_MS: '1000',
    };
    inputReader = await readInput(context, topics.items, input);
    const [portA, portB] = [await freePort(), await freePort()];
    instances.push(startAggregator(portA, env), startAggregator(portB, env));
    await simulate(COUNT, 42);
    await Promise.all(instances.map((i) => waitUntilReady(i)));
  }, 240_000);

  afterAll(async () => {
    for (const instance of instances) instance.process.kill('SIGTERM');
    await Promise.all(instances.map((i) => exited(i.process)));
    await inputReader?.disconnect();
    const admin = await context.connectedAdmin();
    const internal = (await admin.listTopics()).filter((t) => t.startsWith(`${applicationId}-`));
    await admin.deleteTopics({ topics: internal }).catch(() => undefined);
    await context.close();
    // The throw-away subjects too (soft, then permanent delete, as the Confluent API requires).
    const { url } = registryConfigFromEnv();
    for (const topic of Object.values(topics).filter(Boolean)) {
      for (const suffix of ['', '?permanent=true']) {
        await fetch(`${url}/subjects/${topic}-value${suffix}`, { method: 'DELETE' }).catch(() => undefined);
      }
    }
  }, 60_000);

  it(`answers every sku and store exactly, through either instance, after ${COUNT} transactions`, async () => {
    expected = await expectationOfAll(COUNT);
    expect(expected.items.size).toBeGreaterThan(0);
    for (const instance of instances) await converged(instance, expected);
    // Each instance owns only some tasks: it answered some queries itself and forwarded others.
    for (const instance of instances) {
      const text = await (await fetch(`${instance.url}/metrics`)).text();
      expect(text).toMatch(/^aggregator_queries_total\{endpoint="\w+",outcome="forwarded"\} [1-9]/m);
      expect(text).toMatch(/^aggregator_queries_total\{endpoint="\w+",outcome="local"\} [1-9]/m);
    }
  }, 240_000);

  it('publishes the same latest values on the compacted output topics, and sales windows that add up', async () => {
    const latest = await readOutputs(context, topics, expected);
    expect(latest.items).toEqual(
      new Map(
        [...expected.items].map(([sku, v]) => [sku, { sku, quantity: v.quantity, updatedAt: v.updatedAt }]),
      ),
    );
    expect(latest.stores).toEqual(
      new Map([...expected.stores].map(([storeId, v]) => [storeId, { storeId, ...v }])),
    );
    expect(latest.sales).toEqual(expected.sales);
  }, 120_000);

  it('serves sales windows that add up to the totals and honours from/to', async () => {
    const [instance] = instances as [AggregatorInstance];
    for (const [storeId, totals] of expected.sales) {
      const { status, body } = await getJson(`${instance.url}/api/stores/${storeId}/sales`);
      expect(status).toBe(200);
      const windows = body.windows as Array<Record<string, string | number>>;
      expect(
        windows.every(
          (w) => Date.parse(w['windowEnd'] as string) - Date.parse(w['windowStart'] as string) === 60_000,
        ),
      ).toBe(true);
      expect(sum(windows, 'unitsSold')).toBe(totals.unitsSold);
      expect(sum(windows, 'revenue')).toBe(totals.revenue);
      expect(sum(windows, 'transactions')).toBe(totals.transactions);
      // A range from the second window on drops exactly the first one.
      const from = windows[1]?.['windowStart'] as string;
      const ranged = await getJson(`${instance.url}/api/stores/${storeId}/sales?from=${from}`);
      expect(ranged.body.windows).toEqual(windows.slice(1));
    }
  }, 60_000);

  it(`counts ${RESENT} re-sent transactions (same ids) once`, async () => {
    const dropped = await droppedTotal();
    const producer = await context.producer({ idempotent: true, maxInFlightRequests: 1 });
    const resend = input.slice(0, RESENT);
    await producer.send({
      topic: topics.items,
      messages: resend.map((r) => ({ key: r.key, value: r.value })),
    });
    await waitFor(
      `${RESENT} duplicates dropped`,
      async () => ((await droppedTotal()) >= dropped + RESENT ? true : undefined),
      60_000,
      250,
    );
    expect(expectInventory(input.map((r) => r.transaction))).toEqual(expected);
    for (const instance of instances) await converged(instance, expected, 10_000);
  }, 120_000);

  it('writes undecodable items records to the DLQ once, with their bytes and headers; aggregates stay exact', async () => {
    const garbage = [
      { key: Buffer.from('store-garbage-1'), value: Buffer.from('not an ItemTransaction') },
      // Confluent framing, but a schema id the registry never issued.
      { key: Buffer.from('store-garbage-2'), value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]) },
    ];
    const producer = await context.producer({ idempotent: true });
    await producer.send({ topic: topics.items, messages: garbage });

    const deadLetters: KafkaMessage[] = [];
    const reader = await context.consumer({ readUncommitted: false });
    await reader.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    void reader.run({ eachMessage: async ({ message }) => void deadLetters.push(message) });
    try {
      await waitFor(
        `${garbage.length} dead letters`,
        () => (deadLetters.length >= garbage.length ? true : undefined),
        60_000,
        100,
      );
      await new Promise((r) => setTimeout(r, 1000)); // a duplicate would arrive within a few commits
      expect(deadLetters.map((m) => [m.key, m.value])).toEqual(
        expect.arrayContaining(garbage.map((g) => [g.key, g.value])),
      );
      expect(deadLetters).toHaveLength(garbage.length);
      for (const m of deadLetters) {
        expect(m.headers?.[DeadLetterHeaders.TOPIC]?.toString()).toBe(topics.items);
        expect(m.headers?.[DeadLetterHeaders.EXCEPTION]?.toString()).toMatch(/Error: /);
        // What `npm run dlq:replay` reads: the original topic (to replay to) and the error class.
        expect(readFailureHeaders(m.headers)).toMatchObject({
          topic: topics.items,
          offset: m.headers?.[DeadLetterHeaders.OFFSET]?.toString(),
          attempts: 1,
          errorClass: expect.stringMatching(
            /^(UnknownMagicByteError|SchemaNotLoadedError|UnknownSchemaIdError)$/,
          ),
        });
      }
    } finally {
      await reader.disconnect();
    }
    expect(await engineTotal('dead_lettered')).toBe(garbage.length);
    for (const instance of instances) await converged(instance, expected, 10_000);
  }, 120_000);

  it('answers 400 to invalid requests and 404 to unknown keys', async () => {
    const [instance] = instances as [AggregatorInstance];
    const [storeId] = [...expected.stores.keys()] as [string];
    expect((await getJson(`${instance.url}/api/items/NO-SUCH-SKU`)).status).toBe(404);
    expect((await getJson(`${instance.url}/api/stores/no-such-store/inventory`)).status).toBe(404);
    expect((await getJson(`${instance.url}/api/stores/no-such-store/sales`)).status).toBe(404);
    expect((await getJson(`${instance.url}/api/items/%20`)).status).toBe(400);
    const badTime = await getJson(`${instance.url}/api/stores/${storeId}/sales?from=yesterday`);
    expect(badTime.status).toBe(400);
    expect(badTime.body.message).toMatch(/from must be an ISO-8601 date-time/);
    const reversed = `from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`;
    expect((await getJson(`${instance.url}/api/stores/${storeId}/sales?${reversed}`)).status).toBe(400);
  }, 30_000);

  it('is live but not ready, and answers 503 with Retry-After, until its state is queryable', async () => {
    // The registry is unreachable, so this instance never gets past start-up: deterministically not ready.
    const starting = startAggregator(await freePort(), {
      ...env,
      APPLICATION_ID: uniqueName('inventory-aggregator-starting'),
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9/apis/ccompat/v7',
      SCHEMA_REGISTRY_TIMEOUT_MS: '500',
    });
    try {
      const live = await waitFor(
        'the starting instance to answer',
        () => getJson(`${starting.url}/health/live`),
        30_000,
        100,
      );
      expect(live.status).toBe(200);
      // Once the first start-up attempt has failed, readiness names the cause.
      const ready = await waitFor(
        'readiness to name the start-up error',
        async () => {
          const answer = await getJson(`${starting.url}/health/ready`);
          return answer.body?.error?.streams?.error === undefined ? undefined : answer;
        },
        30_000,
        100,
      );
      expect(ready.status).toBe(503);
      expect(ready.body.error.streams).toMatchObject({ phase: 'resolving-schemas', status: 'down' });
      expect(ready.body.error.streams.error).toMatch(/127\.0\.0\.1:9/);
      const query = await getJson(`${starting.url}/api/items/SKU-00001`);
      expect(query.status).toBe(503);
      expect(query.headers.get('retry-after')).toBe('2');
    } finally {
      starting.process.kill('SIGTERM');
      expect(await exited(starting.process)).toBe(0);
    }
  }, 60_000);

  it('stays exact when an instance is killed with SIGKILL mid-stream and restarted', async () => {
    const [survivor, victim] = instances as [AggregatorInstance, AggregatorInstance];
    const run = simulate(SECOND_RUN, 7, ['--rate', '1000']);
    // Kill once the second run is flowing, so the victim dies with transactions open.
    const before = COUNT + RESENT;
    await waitFor(
      'the second run to be flowing',
      () => (input.length >= before + 800 ? true : undefined),
      60_000,
      20,
    );
    victim.process.kill('SIGKILL');
    await exited(victim.process);
    await run;
    const restarted = startAggregator(victim.port, env);
    instances[1] = restarted;
    await waitUntilReady(restarted, 120_000);
    const all = await expectationOfAll(COUNT + RESENT + SECOND_RUN);
    expect(all.counted).toBe(COUNT + SECOND_RUN);
    for (const instance of [survivor, restarted]) await converged(instance, all);
  }, 300_000);

  /** Runs the simulator CLI against the test's input topic and waits for it to exit 0. */
  async function simulate(count: number, seed: number, extra: string[] = []): Promise<void> {
    const cli = launch(
      'store-simulator',
      'src/cli/simulate.ts',
      ['--count', String(count), '--seed', String(seed), ...extra],
      {
        ITEMS_TOPIC: topics.items,
        LOG_LEVEL: 'warn',
      },
    );
    const code = await exited(cli);
    if (code !== 0) throw new Error(`simulate exited with ${code}:\n${cli.output()}`);
  }

  /** Waits until the input reader consumed `count` records, then computes the expectation from them. */
  async function expectationOfAll(count: number): Promise<InventoryExpectation> {
    await waitFor(
      `${count} input records consumed`,
      () => (input.length >= count ? true : undefined),
      60_000,
    );
    return expectInventory(input.map((r) => r.transaction));
  }

  async function droppedTotal(): Promise<number> {
    return engineTotal('dropped');
  }

  /** `aggregator_streams_records_<name>_total`, summed over the instances. */
  async function engineTotal(name: string): Promise<number> {
    let total = 0;
    for (const instance of instances) {
      const text = await (await fetch(`${instance.url}/metrics`)).text();
      // Summed over label sets (dropped carries a `reason`).
      const line = new RegExp(`^aggregator_streams_records_${name}_total(?:\\{[^}]*\\})? (\\S+)$`, 'gm');
      for (const m of text.matchAll(line)) total += Number(m[1]);
    }
    return total;
  }
});

/** Polls `instance` until every sku and store answer equals the expectation; fails naming the first mismatch. */
async function converged(
  instance: AggregatorInstance,
  expected: InventoryExpectation,
  timeoutMs = 180_000,
): Promise<void> {
  let mismatch = '';
  await waitFor(
    `${instance.url} to agree with the expectation`,
    async () => {
      for (const [sku, want] of expected.items) {
        const { status, body } = await getJson(`${instance.url}/api/items/${sku}`);
        const wanted = { sku, quantity: want.quantity, updatedAt: new Date(want.updatedAt).toISOString() };
        if (status !== 200 || JSON.stringify(body) !== JSON.stringify(wanted)) {
          mismatch = `item ${sku}: ${status} ${JSON.stringify(body)}, want ${JSON.stringify(wanted)}`;
          return undefined;
        }
      }
      for (const [storeId, want] of expected.stores) {
        const { status, body } = await getJson(`${instance.url}/api/stores/${storeId}/inventory`);
        const ok =
          status === 200 &&
          body.storeId === storeId &&
          body.updatedAt === new Date(want.updatedAt).toISOString() &&
          JSON.stringify(sorted(body.items)) === JSON.stringify(sorted(want.items));
        if (!ok) {
          mismatch = `store ${storeId}: ${status} ${JSON.stringify(body).slice(0, 300)}`;
          return undefined;
        }
      }
      return true;
    },
    timeoutMs,
    500,
  ).catch((err: Error) => {
    throw new Error(
      `${err.message}; last mismatch: ${mismatch}\n--- output ---\n${instance.process.output()}`,
    );
  });
}

/** Consumes the input topic in the background, keeping raw bytes and decoded values. */
async function readInput(context: KafkaTestContext, topic: string, into: InputRecord[]): Promise<Consumer> {
  const serde = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
  const consumer = await context.consumer();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      const value = message.value as Buffer;
      // Undecodable records (sent on purpose) are not transactions: the aggregator dead-letters them.
      const transaction = await serde
        .decode(value, { topic, partition, offset: message.offset })
        .catch(() => undefined);
      if (transaction) into.push({ key: message.key as Buffer, value, transaction });
    },
  });
  return consumer;
}

/** Reads the three output topics (read_committed) until their latest values match `expected`. */
async function readOutputs(
  context: KafkaTestContext,
  topics: { itemInventory: string; storeInventory: string; storeSales: string },
  expected: InventoryExpectation,
) {
  const items = new Map<string, ItemInventory>();
  const stores = new Map<string, StoreInventory>();
  const windows = new Map<string, StoreSalesWindow>();
  const serdes = {
    [topics.itemInventory]: new AvroSerde<ItemInventory>({
      registry,
      schema: inventorySchemas.ItemInventory,
    }),
    [topics.storeInventory]: new AvroSerde<StoreInventory>({
      registry,
      schema: inventorySchemas.StoreInventory,
    }),
    [topics.storeSales]: new AvroSerde<StoreSalesWindow>({
      registry,
      schema: inventorySchemas.StoreSalesWindow,
    }),
  };
  const consumer = await context.consumer();
  await consumer.subscribe({ topics: Object.keys(serdes), fromBeginning: true });
  void consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const value = await (serdes[topic] as AvroSerde<unknown>).decode(message.value as Buffer, {
        topic,
        partition,
        offset: message.offset,
      });
      if (topic === topics.itemInventory) items.set(String(message.key), value as ItemInventory);
      else if (topic === topics.storeInventory) stores.set(String(message.key), value as StoreInventory);
      else {
        const w = value as StoreSalesWindow;
        windows.set(`${w.storeId}@${w.windowStart}`, w);
      }
    },
  });
  const sales = () => {
    const totals = new Map<string, { unitsSold: number; revenue: number; transactions: number }>();
    for (const w of windows.values()) {
      const t = totals.get(w.storeId) ?? { unitsSold: 0, revenue: 0, transactions: 0 };
      totals.set(w.storeId, {
        unitsSold: t.unitsSold + w.unitsSold,
        revenue: t.revenue + w.revenue,
        transactions: t.transactions + w.transactions,
      });
    }
    return totals;
  };
  try {
    await waitFor(
      'output topics to carry the expected latest values',
      () =>
        items.size === expected.items.size &&
        [...expected.items].every(([sku, v]) => items.get(sku)?.quantity === v.quantity) &&
        [...expected.stores].every(
          ([id, v]) =>
            JSON.stringify(sorted(stores.get(id)?.items ?? {})) === JSON.stringify(sorted(v.items)),
        ) &&
        [...expected.sales].every(([id, v]) => JSON.stringify(sales().get(id)) === JSON.stringify(v))
          ? true
          : undefined,
      90_000,
      250,
    );
  } finally {
    await consumer.disconnect();
  }
  return {
    items,
    stores: new Map([...stores].map(([id, s]) => [id, { ...s, items: sorted(s.items) }])),
    sales: sales(),
  };
}

function sum(rows: Array<Record<string, string | number>>, field: string): number {
  return rows.reduce((total, row) => total + Number(row[field]), 0);
}

function sorted(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
