/**
 * The streams metrics operators watch, read from a real aggregator's
 * `/metrics` on the real stack: per-task lag rises while a burst of input
 * arrives faster than it is processed, then drains to 0 on the input topic;
 * commits show in the latency histogram; the state and running tasks are there.
 */
import { createSchemaRegistryClient, inventorySchemas, registryConfigFromEnv } from '@eda/events';
import { KafkaTestContext, uniqueName, waitFor } from '@eda/testing';
import {
  exited,
  freePort,
  launch,
  startAggregator,
  waitUntilReady,
  type AggregatorInstance,
} from '../testing/aggregator-process.fixture';

const BURST = 20_000;
const registry = createSchemaRegistryClient(registryConfigFromEnv());

/** The samples of `name` on a Prometheus text page, with their label strings. */
function samples(page: string, name: string): Array<{ labels: string; value: number }> {
  const out: Array<{ labels: string; value: number }> = [];
  for (const line of page.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match && match[1] === name) out.push({ labels: match[2] ?? '', value: Number(match[3]) });
  }
  return out;
}

describe('aggregator streams metrics on /metrics (real stack)', () => {
  const context = new KafkaTestContext('aggregator-streams-metrics');
  const applicationId = uniqueName('aggregator-metrics');
  const topics = {
    items: '',
    itemInventory: '',
    storeInventory: '',
    storeSales: '',
  };
  let instance: AggregatorInstance;
  let env: Record<string, string>;

  beforeAll(async () => {
    topics.items = await context.createTopic('items', { partitions: 2 });
    const compacted = { partitions: 2, config: { 'cleanup.policy': 'compact' } };
    topics.itemInventory = await context.createTopic('item.inventory', compacted);
    topics.storeInventory = await context.createTopic('store.inventory', compacted);
    topics.storeSales = await context.createTopic('store.sales.1m', { partitions: 2 });
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
      DESERIALIZATION_ERRORS: 'continue',
      START_RETRY_MS: '1000',
    };
    instance = startAggregator(await freePort(), env);
    await waitUntilReady(instance);
  }, 180_000);

  afterAll(async () => {
    instance?.process.kill('SIGTERM');
    if (instance) await exited(instance.process);
    const admin = await context.connectedAdmin();
    const internal = (await admin.listTopics()).filter((t) => t.startsWith(`${applicationId}-`));
    await admin.deleteTopics({ topics: internal }).catch(() => undefined);
    await context.close();
  }, 60_000);

  const page = async () => (await fetch(`${instance.url}/metrics`)).text();
  const inputLag = (text: string) =>
    samples(text, 'aggregator_streams_lag')
      .filter((s) => s.labels.includes(`topic="${topics.items}"`))
      .reduce((sum, s) => sum + s.value, 0);

  it('lists the state, the running tasks and a lag series per task input, at 0 when idle', async () => {
    const text = await page();
    expect(samples(text, 'aggregator_streams_state')).toContainEqual({
      labels: '{state="RUNNING"}',
      value: 1,
    });
    const tasks = samples(text, 'aggregator_streams_task_running');
    // Two sub-topologies (input, repartition) x 2 partitions, one instance: all four tasks are here.
    expect(tasks.map((t) => t.labels).sort()).toEqual([
      '{task="0_0"}',
      '{task="0_1"}',
      '{task="1_0"}',
      '{task="1_1"}',
    ]);
    const lag = samples(text, 'aggregator_streams_lag');
    expect(lag.filter((s) => s.labels.includes(`topic="${topics.items}"`))).toHaveLength(2);
    expect(lag.filter((s) => s.labels.includes(`-items-by-sku-repartition"`))).toHaveLength(2);
    expect(inputLag(text)).toBe(0);
    for (const name of [
      'aggregator_streams_commit_duration_seconds_count',
      'aggregator_streams_restore_duration_seconds_count',
      'aggregator_streams_commit_failures_total',
      'aggregator_streams_restore_records_total',
      'aggregator_streams_records_dead_lettered_total',
    ]) {
      expect(samples(text, name)).toHaveLength(1);
    }
  });

  it('lag rises during a burst of input and drains to 0 once it is processed; commits are timed', async () => {
    const commitsBefore =
      samples(await page(), 'aggregator_streams_commit_duration_seconds_count')[0]?.value ?? 0;
    const seen: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        seen.push(inputLag(await page()));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const cli = launch('store-simulator', 'src/cli/simulate.ts', ['--count', String(BURST), '--seed', '7'], {
      ITEMS_TOPIC: topics.items,
      LOG_LEVEL: 'warn',
    });
    try {
      const code = await exited(cli);
      if (code !== 0) throw new Error(`simulate exited with ${code}:\n${cli.output()}`);
      await waitFor(
        'the lag to drain after rising',
        () => {
          const peak = seen.indexOf(Math.max(...seen));
          return seen[peak]! > 0 && seen.slice(peak).includes(0) ? true : undefined;
        },
        120_000,
        250,
      );
    } finally {
      sampling = false;
      await sampler;
    }
    const peak = Math.max(...seen);
    // The burst arrives faster than a commit interval's worth of processing: a real backlog shows.
    expect(peak).toBeGreaterThanOrEqual(100);
    expect(peak).toBeLessThanOrEqual(BURST);
    expect(seen.at(-1)).toBe(0);
    const text = await page();
    expect(samples(text, 'aggregator_streams_commit_duration_seconds_count')[0]?.value).toBeGreaterThan(
      commitsBefore,
    );
    // Every transaction reached its store's stock: the end-to-end latency histogram counted each once.
    const queryable = samples(text, 'aggregator_event_to_queryable_seconds_count')[0]?.value ?? 0;
    expect(queryable).toBeGreaterThanOrEqual(BURST);
    expect(samples(text, 'aggregator_event_to_queryable_seconds_sum')[0]?.value).toBeGreaterThanOrEqual(0);
    const buckets = samples(text, 'aggregator_streams_commit_duration_seconds_bucket');
    expect(buckets.at(-1)).toMatchObject({ labels: '{le="+Inf"}' });
  }, 180_000);

  it('a restarted instance reports how long its tasks took to restore, and how many records', async () => {
    // SIGKILL: no clean close, no checkpoint, so the new instance replays the changelogs the burst filled.
    instance.process.kill('SIGKILL');
    await exited(instance.process);
    instance = startAggregator(await freePort(), env);
    await waitUntilReady(instance);
    const text = await page();
    expect(samples(text, 'aggregator_streams_restore_records_total')[0]?.value).toBeGreaterThan(0);
    const restores = samples(text, 'aggregator_streams_restore_duration_seconds_count')[0]?.value ?? 0;
    // One observation per task that replayed a changelog (the four tasks here have stores).
    expect(restores).toBeGreaterThanOrEqual(1);
    expect(restores).toBeLessThanOrEqual(4);
    expect(samples(text, 'aggregator_streams_restore_duration_seconds_sum')[0]?.value).toBeGreaterThan(0);
  }, 180_000);
});
