/**
 * The dashboard against the real stack, on a throw-away topic set: the view
 * matches the topics after 1,000 updates, a kill -9 of the real process
 * mid-stream and a restart lose nothing and apply no record twice (counted on
 * `/metrics`), and low-stock alerts are raised once per crossing, across a
 * restart too (read_committed, once the alerting topology has committed the input).
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { ItemInventory, StoreInventory, StoreSalesWindow } from '@eda/events';
import { KafkaTestContext, waitFor } from '@eda/testing';
import { InventoryView, type ViewSnapshot } from './inventory/inventory-view';
import { serve } from './serve';
import { appliedRecords, freePort, launchDashboard, recordsOn } from './testing/dashboard-process.fixture';
import { DashboardTopics } from './testing/dashboard-topics.fixture';

describe('inventory-dashboard on the real stack', () => {
  const context = new KafkaTestContext('inventory-dashboard');
  const topics = new DashboardTopics(context);
  const saved = { ...process.env };
  let app: INestApplication | undefined;

  beforeAll(() => topics.create());
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(async () => {
    await app?.close();
    await topics.delete();
    await context.close();
  });

  async function start(env: Record<string, string> = {}): Promise<INestApplication> {
    Object.assign(process.env, topics.env(env));
    return serve({ port: 0, waitUntilCaughtUp: true });
  }

  const url = (path: string) => `http://127.0.0.1:${app?.getHttpServer().address().port}${path}`;

  /** Last value per key, as a compacted topic would hold it. */
  const expected = {
    stores: new Map<string, StoreInventory>(),
    items: new Map<string, ItemInventory>(),
    sales: new Map<string, StoreSalesWindow>(),
  };

  function randomUpdates(count: number, from: number) {
    const stores: StoreInventory[] = [];
    const items: ItemInventory[] = [];
    const sales: StoreSalesWindow[] = [];
    for (let i = 0; i < count; i++) {
      const t = from + i;
      const storeId = `store-${i % 7}`;
      const sku = `SKU-${i % 13}`;
      if (i % 3 === 0) {
        const store = { storeId, items: { [sku]: 50 + (t % 40), 'SKU-X': 100 + (t % 9) }, updatedAt: t };
        stores.push(store);
        expected.stores.set(storeId, store);
      } else if (i % 3 === 1) {
        const item = { sku, quantity: t % 97, updatedAt: t };
        items.push(item);
        expected.items.set(sku, item);
      } else {
        const windowStart = (i % 4) * 60_000;
        const window = {
          storeId,
          windowStart,
          windowEnd: windowStart + 60_000,
          unitsSold: t % 11,
          revenue: t,
          transactions: 1 + (t % 5),
        };
        sales.push(window);
        expected.sales.set(`${storeId}@${windowStart}`, window);
      }
    }
    return { stores, items, sales };
  }

  async function send(updates: ReturnType<typeof randomUpdates>) {
    await Promise.all([
      topics.sendStores(updates.stores),
      topics.sendItems(updates.items),
      topics.sendSales(updates.sales),
    ]);
  }

  function matchesExpected(view: ViewSnapshot): boolean {
    const byKey = <T>(list: T[], key: (v: T) => string) => new Map(list.map((v) => [key(v), v]));
    const same = <T>(a: Map<string, T>, b: Map<string, T>) =>
      a.size === b.size && [...a].every(([k, v]) => JSON.stringify(b.get(k)) === JSON.stringify(v));
    return (
      same(
        byKey(view.stores, (s) => s.storeId),
        expected.stores,
      ) &&
      same(
        byKey(view.items, (i) => i.sku),
        expected.items,
      ) &&
      same(
        byKey(view.sales, (w) => `${w.storeId}@${w.windowStart}`),
        expected.sales,
      )
    );
  }

  it('replays what is already there, then follows 1,000 live updates until the view matches the topics', async () => {
    await send(randomUpdates(200, 1_000));
    app = await start();
    expect(matchesExpected(app.get(InventoryView).snapshot())).toBe(true);
    // Ready once the alerting topology runs too (it joins and restores in the background).
    await waitFor('readiness', async () =>
      (await fetch(url('/health/ready'))).status === 200 ? true : undefined,
    );

    await send(randomUpdates(1_000, 10_000));
    const view = app.get(InventoryView);
    await waitFor(
      'the view to match the 1,000 updates',
      () => (matchesExpected(view.snapshot()) ? true : undefined),
      30_000,
    );
    const body = (await (await fetch(url('/api/view'))).json()) as ViewSnapshot;
    expect(body.stores).toHaveLength(expected.stores.size);
    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toMatch(/dashboard_records_total\{event="store.inventory",outcome="processed"\} \d+/);
    expect(metrics).toContain('dashboard_caught_up 1');
  });

  it('loses nothing and applies no record twice across a kill -9 of the process mid-stream and a restart', async () => {
    await app?.close();
    app = undefined;
    const port = await freePort();
    const env = topics.env({ LOG_LEVEL: 'warn' });
    let dashboard = await launchDashboard(port, env);
    // Killed while updates flow: whatever it had in flight is gone with it, uncommitted.
    const flowing = send(randomUpdates(300, 50_000));
    await dashboard.kill();
    await flowing;
    await send(randomUpdates(300, 60_000)); // while no dashboard runs
    dashboard = await launchDashboard(port, env);
    const { url: base } = dashboard;
    try {
      await waitFor('the restarted view to match the topics', async () =>
        matchesExpected((await (await fetch(`${base}/api/view`)).json()) as ViewSnapshot) ? true : undefined,
      );
      // The view holds one value per key, so it cannot show a record applied twice: count the
      // applications. The new process replays every topic from the beginning, so once it has no lag
      // it must have applied each record of each topic exactly once.
      const inputs: Array<[string, string]> = [
        ['store.inventory', topics.storeInventory],
        ['item.inventory', topics.itemInventory],
        ['store.sales.1m', topics.storeSales],
      ];
      const totals = await Promise.all(inputs.map(([, topic]) => recordsOn(context, topic)));
      await waitFor('no lag, and every record applied', async () => {
        const lagFree = /^dashboard_consumer_lag 0$/m.test(await (await fetch(`${base}/metrics`)).text());
        const applied = await Promise.all(inputs.map(([event]) => appliedRecords(base, event)));
        return lagFree && applied.every((n, k) => n >= (totals[k] as number)) ? true : undefined;
      });
      const applied = await Promise.all(inputs.map(([event]) => appliedRecords(base, event)));
      expect(Object.fromEntries(inputs.map(([event], k) => [event, applied[k]]))).toEqual(
        Object.fromEntries(inputs.map(([event], k) => [event, totals[k]])),
      );
    } finally {
      // Gracefully: it leaves the alerting group at once, so the next tests' app takes every task.
      await dashboard.terminate();
    }
    app = await start(); // the in-process app the next tests use
  });

  /** The levels of the alerts on the topic for `key`, in order (read_committed). */
  const levels = async (key: string) =>
    Promise.all(
      (await topics.read(topics.alerts))
        .filter((r) => r.key === key)
        .map(async (r) => (await topics.decodeAlert(r.value as Buffer)).level),
    );

  it('raises exactly one LOW, then exactly one OUT_OF_STOCK, as a store sku crosses the threshold', async () => {
    const storeId = 'alert-store';
    const quantities = [20, 9, 5, 4, 3, 1, 0, 0, -2];
    await topics.sendStores(
      quantities.map((q, i) => ({ storeId, items: { 'SKU-A': q, 'SKU-B': 50 }, updatedAt: 100_000 + i })),
    );
    // Every snapshot committed by the alerting topology: its alerts are committed with them (exactly-once).
    await topics.alertingCaughtUp();
    const records = (await topics.read(topics.alerts)).filter((r) => r.key === `${storeId}/SKU-A`);
    const alerts = await Promise.all(records.map((r) => topics.decodeAlert(r.value as Buffer)));
    expect(alerts.map((a) => [a.level, a.quantity])).toEqual([
      ['LOW', 5],
      ['OUT_OF_STOCK', 0],
    ]);
    expect(alerts[0]).toMatchObject({ storeId, sku: 'SKU-A', threshold: 5, timestamp: 100_002 });
    // The page's recent alerts, from the alerts topic.
    await waitFor('the page to show both alerts', () =>
      app
        ?.get(InventoryView)
        .snapshot()
        .alerts.filter((a) => a.storeId === storeId).length === 2
        ? true
        : undefined,
    );
  });

  it('raises nothing twice across a restart, and raises a crossing that happened while it was down once', async () => {
    await app?.close();
    app = undefined;
    // While no dashboard runs: alert-store stays OUT_OF_STOCK (already alerted), down-store crosses.
    await topics.sendStores([
      { storeId: 'alert-store', items: { 'SKU-A': -3, 'SKU-B': 50 }, updatedAt: 200_000 },
      { storeId: 'down-store', items: { 'SKU-A': 2 }, updatedAt: 200_001 },
    ]);
    app = await start();
    // Deterministic: the restarted topology resumes from its committed offsets with its levels
    // restored from the changelog, and is done once it has committed up to the end of the input.
    await topics.alertingCaughtUp();
    expect(await levels('down-store/SKU-A')).toEqual(['LOW']);
    expect(await levels('alert-store/SKU-A')).toEqual(['LOW', 'OUT_OF_STOCK']);
    // The page's recent alerts come back from the topic.
    await waitFor('the page to show the alerts of the topic', () => {
      const keys = app
        ?.get(InventoryView)
        .snapshot()
        .alerts.map((a) => `${a.storeId}/${a.sku}:${a.level}`);
      return ['alert-store/SKU-A:LOW', 'alert-store/SKU-A:OUT_OF_STOCK', 'down-store/SKU-A:LOW'].every((k) =>
        keys?.includes(k),
      )
        ? true
        : undefined;
    });
  });
});
