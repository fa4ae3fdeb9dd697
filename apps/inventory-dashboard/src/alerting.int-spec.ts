/**
 * Alerting across replicas, on the real stack: two dashboard processes on the
 * same topics run the alerting topology under one application id, so they
 * share the store.inventory partitions (tasks), each raising its own share.
 * One is SIGKILLed while crossings flow: the survivor takes its tasks over,
 * restores their levels from the changelog, and reprocesses what the killed
 * one had not committed. Every crossing gives exactly one alert on
 * inventory.alerts, read as read_committed once the topology has committed
 * the whole input (under exactly-once its alerts are committed with it).
 */
import type { StoreInventory } from '@eda/events';
import { KafkaTestContext, waitFor } from '@eda/testing';
import { freePort, launchDashboard, type DashboardProcess } from './testing/dashboard-process.fixture';
import { DashboardTopics } from './testing/dashboard-topics.fixture';

const PARTITIONS = 4;
const STORES = 8;
/** Stock of SKU-A per step: LOW at 4, OUT_OF_STOCK at 0, recovers at 10, LOW again at 3, OUT again at -1. */
const STEPS = [20, 4, 4, 0, 10, 3, 3, -1];
/** The crossings STEPS raise, by step index. */
const CROSSINGS: Array<[step: number, level: string]> = [
  [1, 'LOW'],
  [3, 'OUT_OF_STOCK'],
  [5, 'LOW'],
  [7, 'OUT_OF_STOCK'],
];
/** Event times (`updatedAt`, the alerts' `timestamp`) of one scenario. */
const T = Date.now() - 3_600_000;

describe('inventory-dashboard alerting with two replicas, one SIGKILLed', () => {
  const context = new KafkaTestContext('inventory-dashboard-alerting');
  const topics = new DashboardTopics(context, [200, 400], PARTITIONS);
  const replicas: DashboardProcess[] = [];

  beforeAll(() => topics.create());
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.kill().catch(() => undefined)));
    await topics.delete();
    await context.close();
  });

  /** A gauge or counter total from a replica's `/metrics`. */
  async function metric(replica: DashboardProcess, name: string): Promise<number> {
    const text = await (await fetch(`${replica.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
  }

  /** Sends STEPS for stores `<prefix>-<i>` (store i on partition i % 4), step by step; `between(step)` after each. */
  async function drive(prefix: string, between?: (step: number) => Promise<void>): Promise<void> {
    for (let step = 0; step < STEPS.length; step++) {
      for (let p = 0; p < PARTITIONS; p++) {
        const stores: StoreInventory[] = [];
        for (let i = p; i < STORES; i += PARTITIONS) {
          stores.push({
            storeId: `${prefix}-${i}`,
            items: { 'SKU-A': STEPS[step] as number, 'SKU-B': 50 },
            updatedAt: T + step,
          });
        }
        await topics.sendStores(stores, p);
      }
      await between?.(step);
    }
  }

  const expected = (prefix: string) =>
    Array.from({ length: STORES }, (_, i) =>
      CROSSINGS.map(([step, level]) => `${prefix}-${i}/SKU-A ${level}@${T + step}`),
    )
      .flat()
      .sort();

  /** The committed alerts of stores `<prefix>-*`, `key level@time`, duplicates included. */
  async function raised(prefix: string): Promise<string[]> {
    const records = (await topics.read(topics.alerts)).filter((r) => r.key?.startsWith(`${prefix}-`));
    const alerts = await Promise.all(records.map((r) => topics.decodeAlert(r.value as Buffer)));
    return alerts.map((a) => `${a.storeId}/${a.sku} ${a.level}@${a.timestamp}`).sort();
  }

  it('shares the partitions, and after a kill -9 mid-run raises every crossing exactly once', async () => {
    const env = topics.env({ LOG_LEVEL: 'warn' });
    replicas.push(await launchDashboard(await freePort(), env));
    replicas.push(await launchDashboard(await freePort(), env));
    const [a, b] = replicas as [DashboardProcess, DashboardProcess];
    await waitFor(
      `the two replicas to share the ${PARTITIONS} partitions`,
      async () => {
        const [ofA, ofB] = [
          await metric(a, 'dashboard_alerting_partitions'),
          await metric(b, 'dashboard_alerting_partitions'),
        ];
        return ofA > 0 && ofB > 0 && ofA + ofB === PARTITIONS ? true : undefined;
      },
      60_000,
      250,
    );

    await drive('steady');
    await topics.alertingCaughtUp();
    expect(await raised('steady')).toEqual(expected('steady'));
    // Each raised its own share.
    const [fromA, fromB] = [
      await metric(a, 'dashboard_alerts_published_total'),
      await metric(b, 'dashboard_alerts_published_total'),
    ];
    expect(fromA).toBeGreaterThan(0);
    expect(fromB).toBeGreaterThan(0);

    // b dies without a word while crossings keep coming: right after step 2 was sent, so it is
    // likely mid-transaction (aborted: the survivor reprocesses it). Its step-1 LOWs are committed
    // first, so step 2 (the same level again) on its partitions tells whether the survivor restored
    // their levels from the changelog: without them it would raise LOW a second time.
    await drive('killed', async (step) => {
      if (step === 1) await topics.alertingCaughtUp();
      if (step === 2) await b.kill();
    });
    replicas.splice(replicas.indexOf(b), 1);
    await waitFor(
      'the survivor to take every partition',
      async () => ((await metric(a, 'dashboard_alerting_partitions')) === PARTITIONS ? true : undefined),
      60_000,
      250,
    );
    await topics.alertingCaughtUp(60_000);
    expect(await raised('killed')).toEqual(expected('killed'));
    expect(await raised('steady')).toEqual(expected('steady')); // and nothing of before raised again
  });
});
