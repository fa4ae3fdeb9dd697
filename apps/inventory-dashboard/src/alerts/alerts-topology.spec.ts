/**
 * The alerting topology through the TopologyTestDriver, with the real Avro
 * serdes over an in-memory registry: one alert per crossing (down to LOW, to
 * OUT_OF_STOCK, and again after a recovery), none while a level repeats, and
 * after a restore from the changelog (a task moved to another replica, or a
 * restart) nothing is raised twice and the next crossing still is.
 */
import {
  InMemorySchemaRegistry,
  inventorySchemas,
  type InventoryAlert,
  type StoreInventory,
} from '@eda/events';
import { Serdes } from '@eda/streams';
import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '@eda/streams/testing';
import {
  ALERT_LEVELS_STORE,
  buildAlertsTopology,
  prepareAlertSerdes,
  type AlertSerdes,
} from './alerts-topology';
import type { StoreAlertLevels } from './low-stock-detector';

const S = Serdes.String();
const APP = 'inventory-dashboard-alerting';
const CHANGELOG = `${APP}-${ALERT_LEVELS_STORE}-changelog`;
const topics = { storeInventory: 'store.inventory', alerts: 'inventory.alerts' };

async function serdes(): Promise<AlertSerdes> {
  const registry = new InMemorySchemaRegistry();
  await registry.register('store.inventory-value', JSON.stringify(inventorySchemas.StoreInventory));
  await registry.register('inventory.alerts-value', JSON.stringify(inventorySchemas.InventoryAlert));
  return prepareAlertSerdes(registry, topics);
}

describe('alerts topology', () => {
  let serde: AlertSerdes;
  let driver: TopologyTestDriver;
  let input: TestInputTopic<string, StoreInventory>;
  let output: TestOutputTopic<string, InventoryAlert>;
  let time = 1_000;

  function open(): void {
    driver = new TopologyTestDriver(buildAlertsTopology({ topics, lowStockThreshold: 5 }, serde), {
      'application.id': APP,
    });
    input = driver.createInputTopic(topics.storeInventory, S, serde.storeInventory);
    output = driver.createOutputTopic(topics.alerts, S, serde.alert);
  }

  /** Pipes one snapshot of `storeId` per entry of `steps` (sku -> quantity). */
  function pipe(storeId: string, ...steps: Array<Record<string, number>>): void {
    for (const items of steps) {
      time += 1;
      input.pipeInput(storeId, { storeId, items, updatedAt: time }, time);
    }
  }

  const raised = () =>
    output.readKeyValuesToList().map(({ key, value }) => `${key}:${value?.level}@${value?.quantity}`);

  beforeEach(async () => {
    serde = await serdes();
    open();
  });
  afterEach(() => driver.close());

  it('raises one alert per crossing down, none while a level repeats, and re-arms on recovery', () => {
    pipe(
      's1',
      { A: 20, B: 50 },
      { A: 9 },
      { A: 5 },
      { A: 4 },
      { A: 3, B: 50 },
      { A: 0 },
      { A: 0 },
      { A: -2 },
    );
    expect(raised()).toEqual(['s1/A:LOW@5', 's1/A:OUT_OF_STOCK@0']);

    pipe('s1', { A: 2 }, { A: 1 }); // better, not recovered: nothing
    expect(raised()).toEqual([]);
    pipe('s1', { A: 10 }, { A: 3 }, { A: 3 }, { A: 12 }, { A: 0 }); // up above the threshold, then down again
    expect(raised()).toEqual(['s1/A:LOW@3', 's1/A:OUT_OF_STOCK@0']);
  });

  it('keeps levels per store and sku, and keys alerts storeId/sku with the schema fields', () => {
    const t0 = time;
    pipe('s1', { A: 1, B: 0, C: 6 });
    pipe('s2', { A: 1 });
    pipe('s1', { A: 1, B: 0, C: 6 });
    expect(output.readKeyValuesToList()).toEqual([
      {
        key: 's1/A',
        value: { storeId: 's1', sku: 'A', quantity: 1, threshold: 5, level: 'LOW', timestamp: t0 + 1 },
      },
      {
        key: 's1/B',
        value: {
          storeId: 's1',
          sku: 'B',
          quantity: 0,
          threshold: 5,
          level: 'OUT_OF_STOCK',
          timestamp: t0 + 1,
        },
      },
      {
        key: 's2/A',
        value: { storeId: 's2', sku: 'A', quantity: 1, threshold: 5, level: 'LOW', timestamp: t0 + 2 },
      },
    ]);
  });

  it('after a restore from the changelog, repeats nothing and still raises the next crossing', () => {
    pipe('s1', { A: 4, B: 50 });
    pipe('s2', { A: 0 });
    expect(raised()).toEqual(['s1/A:LOW@4', 's2/A:OUT_OF_STOCK@0']);
    // What a new owner restores: the latest changelog record per store.
    const restored = driver
      .createOutputTopic(CHANGELOG, S, Serdes.Json<StoreAlertLevels>())
      .readKeyValuesToMap();
    expect(restored.get('s1')?.levels).toEqual({ A: 'LOW' });
    driver.close();

    open();
    const store = driver.getKeyValueStore<string, StoreAlertLevels>(ALERT_LEVELS_STORE);
    for (const [storeId, levels] of restored) store.put(storeId as string, levels);
    driver.createOutputTopic(CHANGELOG, S, Serdes.Json<StoreAlertLevels>()).readRecordsToList();

    pipe('s1', { A: 4, B: 50 }, { A: 3 }); // the same episode, replayed or continued
    pipe('s2', { A: -1 });
    expect(raised()).toEqual([]);
    pipe('s1', { A: 0 });
    expect(raised()).toEqual(['s1/A:OUT_OF_STOCK@0']);
  });

  it('logs every fold to the changelog: the levels a new owner restores', () => {
    pipe('s1', { A: 3 }, { A: 50 }, { A: 2 });
    expect(raised()).toEqual(['s1/A:LOW@3', 's1/A:LOW@2']);
    const changelog = driver
      .createOutputTopic(CHANGELOG, S, Serdes.Json<StoreAlertLevels>())
      .readValuesToList();
    expect(changelog.map((v) => v?.levels)).toEqual([{ A: 'LOW' }, {}, { A: 'LOW' }]);
  });
});
