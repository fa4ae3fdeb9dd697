/**
 * The dashboard as a process (`main.ts` through @swc-node/register, as the
 * `serve` target runs it): SIGKILL in the middle of a stream of updates and a
 * restart lose nothing in the view and apply no record twice (counted on
 * `/metrics`); SIGTERM drains and exits 0.
 */
import type { StoreInventory } from '@eda/events';
import { KafkaTestContext, waitFor } from '@eda/testing';
import type { ViewSnapshot } from './inventory/inventory-view';
import {
  appliedRecords,
  freePort,
  launchDashboard,
  recordsOn,
  type DashboardProcess,
} from './testing/dashboard-process.fixture';
import { DashboardTopics } from './testing/dashboard-topics.fixture';

describe('inventory-dashboard process', () => {
  const context = new KafkaTestContext('inventory-dashboard-process');
  const topics = new DashboardTopics(context);
  let dashboard: DashboardProcess | undefined;
  let port: number;

  beforeAll(async () => {
    await topics.create();
    port = await freePort();
  });
  afterAll(async () => {
    await dashboard?.kill();
    await topics.delete();
    await context.close();
  });

  const launch = () => launchDashboard(port, topics.env({ LOG_LEVEL: 'warn' }));

  it('loses nothing and applies no record twice when killed mid-stream and restarted, and drains on SIGTERM', async () => {
    const latest = new Map<string, StoreInventory>();
    let sequence = 0;
    const batch = async (n: number) => {
      const stores = Array.from({ length: n }, () => {
        sequence += 1;
        const store = {
          storeId: `store-${sequence % 25}`,
          items: { A: sequence, B: 1000 - sequence },
          updatedAt: sequence,
        };
        latest.set(store.storeId, store);
        return store;
      });
      await topics.sendStores(stores);
    };
    dashboard = await launch();
    for (let i = 0; i < 10; i++) await batch(50);
    await dashboard.kill();
    await batch(200); // while nothing runs

    dashboard = await launch();
    const { url } = dashboard;
    await batch(100);
    const view = await waitFor('the view to hold the latest snapshot of every store', async () => {
      const body = (await (await fetch(`${url}/api/view`)).json()) as ViewSnapshot;
      return body.stores.length === latest.size &&
        body.stores.every((s) => JSON.stringify(s) === JSON.stringify(latest.get(s.storeId)))
        ? body
        : undefined;
    });
    expect(view.stores.map((s) => s.storeId).sort()).toEqual([...latest.keys()].sort());
    // The view keeps one snapshot per store, so it cannot show a record applied twice: count
    // applications. The restarted process replays the topic from the beginning, so it must have
    // applied each of its 800 records exactly once by the time it has no lag left.
    const total = await recordsOn(context, topics.storeInventory);
    expect(total).toBe(800);
    await waitFor('no lag, every record applied', async () => {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      return /^dashboard_consumer_lag 0$/m.test(metrics) &&
        (await appliedRecords(url, 'store.inventory')) >= total
        ? true
        : undefined;
    });
    expect(await appliedRecords(url, 'store.inventory')).toBe(total);

    expect(await dashboard.terminate()).toBe(0);
    dashboard = undefined;
  });
});
