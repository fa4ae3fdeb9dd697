/**
 * Alerting across replicas, on the real stack: instances of the dashboard on
 * the same topics share the alerting consumer group, so each crossing is
 * raised by the owner of its store.inventory partition only, exactly once;
 * when an instance stops (gracefully, or SIGKILLed as a process) the others
 * take its partitions over and raise what it left, losing nothing; nor does
 * a scale-up while crossings flow.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { StoreInventory } from '@eda/events';
import { KafkaTestContext, waitFor } from '@eda/testing';
import { AlertPublisher } from './alerts/alert-publisher';
import { DashboardMetrics } from './metrics/dashboard-metrics';
import { serve } from './serve';
import { DashboardTopics } from './testing/dashboard-topics.fixture';

const PARTITIONS = 4;
const STORES = 8;
/** Stock of SKU-A per step: LOW at 4, OUT_OF_STOCK at 0, recovers at 10, LOW again at 3. */
const STEPS = [20, 4, 0, 10, 3];
/** The crossings STEPS raise, by step index. */
const CROSSINGS: Array<[step: number, level: string]> = [
  [1, 'LOW'],
  [2, 'OUT_OF_STOCK'],
  [4, 'LOW'],
];
const workspaceRoot = join(__dirname, '../../..');
/**
 * Event times (`updatedAt`, and so the alerts' record timestamps) two hours in
 * the past, each scenario at an offset from it. Not near 1970: Kafka deletes a
 * segment whose newest record is older than retention.ms (7 days), so alerts
 * stamped 1970 vanished from the topic whenever the broker's retention check
 * ran during a test (the missing crossings, and empty reads, seen under load).
 */
const EPOCH = Date.now() - 2 * 3_600_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('inventory-dashboard alerting with several instances', () => {
  const context = new KafkaTestContext('inventory-dashboard-alerting');
  const topics = new DashboardTopics(context, [200, 400], PARTITIONS);
  const saved = { ...process.env };
  const apps: INestApplication[] = [];
  let child: ChildProcess | undefined;

  beforeAll(() => topics.create());
  afterAll(async () => {
    child?.kill('SIGKILL');
    for (const app of apps) await app.close().catch(() => undefined);
    process.env = { ...saved };
    await topics.delete();
    await context.close();
  });

  async function start(): Promise<INestApplication> {
    process.env = { ...saved, ...topics.env() };
    const app = await serve({ port: 0, waitUntilCaughtUp: true });
    process.env = { ...saved };
    apps.push(app);
    return app;
  }

  const owned = (app: INestApplication) => app.get(AlertPublisher).ownedPartitions();

  /** Waits until `apps` share all partitions between them, each owning some, none twice. */
  async function partitionsShared(members: INestApplication[]): Promise<void> {
    await waitFor(
      `${members.length} instances to share the ${PARTITIONS} partitions`,
      () => {
        const shares = members.map(owned);
        const all = shares.flat().sort();
        return shares.every((s) => s.length > 0) &&
          all.length === PARTITIONS &&
          new Set(all).size === PARTITIONS
          ? true
          : undefined;
      },
      40_000,
      100,
    );
  }

  /**
   * Sends STEPS for `STORES` stores `<prefix>-<i>` (store i on partition i % 4),
   * step by step across stores; calls `between(step)` after each step.
   */
  async function drive(prefix: string, time: number, between?: (step: number) => Promise<void>) {
    for (let step = 0; step < STEPS.length; step++) {
      const stores: Array<[StoreInventory, number]> = Array.from({ length: STORES }, (_, i) => [
        {
          storeId: `${prefix}-${i}`,
          items: { 'SKU-A': STEPS[step] as number, 'SKU-B': 50 },
          updatedAt: time + step,
        },
        i % PARTITIONS,
      ]);
      for (let p = 0; p < PARTITIONS; p++) {
        await topics.sendStores(
          stores.filter(([, partition]) => partition === p).map(([s]) => s),
          p,
        );
      }
      await between?.(step);
    }
  }

  /** Every crossing `drive(prefix, time)` makes, `storeId/sku level@time`, sorted. */
  const expectedCrossings = (prefix: string, time: number) =>
    Array.from({ length: STORES }, (_, i) =>
      CROSSINGS.map(([step, level]) => `${prefix}-${i}/SKU-A ${level}@${time + step}`),
    )
      .flat()
      .sort();

  /** The alerts on the topic for stores `<prefix>-*`, as above, duplicates included. */
  async function raised(prefix: string): Promise<string[]> {
    const records = (await topics.read(topics.alerts)).filter((r) => r.key?.startsWith(`${prefix}-`));
    const alerts = await Promise.all(records.map((r) => topics.decodeAlert(r.value as Buffer)));
    return alerts.map((a) => `${a.storeId}/${a.sku} ${a.level}@${a.timestamp}`).sort();
  }

  /** Waits until every expected crossing was raised at least once, then lets duplicates show up. */
  async function allRaised(prefix: string, time: number, timeoutMs = 30_000): Promise<string[]> {
    const expected = expectedCrossings(prefix, time);
    await waitFor(
      `the ${expected.length} crossings of ${prefix}`,
      async () => {
        const got = new Set(await raised(prefix));
        const missing = expected.filter((c) => !got.has(c));
        if (missing.length > 0) throw new Error(`${missing.length} missing: ${missing.join(', ')}`);
        return true;
      },
      timeoutMs,
      500,
    );
    await new Promise((r) => setTimeout(r, 1500));
    return raised(prefix);
  }

  const published = async (app: INestApplication) =>
    ((await app.get(DashboardMetrics).alerts.get()).values ?? []).reduce((n, v) => n + v.value, 0);

  it('raises each crossing exactly once with two instances, each publishing its own partitions', async () => {
    const a = await start();
    const b = await start();
    await partitionsShared([a, b]);
    const before = (await published(a)) + (await published(b));

    await drive('steady', EPOCH + 1_000_000);
    const alerts = await allRaised('steady', EPOCH + 1_000_000);
    expect(alerts).toEqual(expectedCrossings('steady', EPOCH + 1_000_000)); // exactly once each
    // Both published (each its partitions' share), together exactly the crossings.
    const [fromA, fromB] = [await published(a), await published(b)];
    expect(fromA).toBeGreaterThan(0);
    expect(fromB).toBeGreaterThan(0);
    expect(fromA + fromB - before).toBe(STORES * CROSSINGS.length);
    // (Not asserted: that each kept the other's crossings pending. When its view lags, a replica reads
    // the owner's alert back before it sees the snapshot, and then has nothing to keep.)
  });

  it('loses nothing when an instance stops mid-stream, and raises exactly once once the survivor owns all', async () => {
    const [a, b] = apps as [INestApplication, INestApplication];
    let stopping: Promise<void> | undefined;
    await drive('handover', EPOCH + 2_000_000, async (step) => {
      if (step === 1) stopping = b.close(); // while crossings keep coming
    });
    await stopping;
    apps.splice(apps.indexOf(b), 1);
    await waitFor(
      'the survivor to own every partition',
      () => (owned(a).length === PARTITIONS ? true : undefined),
      30_000,
    );
    const handedOver = await allRaised('handover', EPOCH + 2_000_000);
    expect(new Set(handedOver)).toEqual(new Set(expectedCrossings('handover', EPOCH + 2_000_000)));
    // A graceful stop gives ownership up before leaving: no duplicate is expected, but one is allowed.
    expect(handedOver.length - expectedCrossings('handover', EPOCH + 2_000_000).length).toBeLessThanOrEqual(
      STORES,
    );

    await drive('alone', EPOCH + 3_000_000);
    expect(await allRaised('alone', EPOCH + 3_000_000)).toEqual(
      expectedCrossings('alone', EPOCH + 3_000_000),
    );
  });

  it('loses nothing when an instance process joins, and when it is SIGKILLed, mid-stream', async () => {
    const [a] = apps as [INestApplication];
    const port = await freePort();
    child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'main.ts')], {
      cwd: workspaceRoot,
      env: {
        ...saved,
        ...topics.env({ LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1' }),
        SWC_NODE_PROJECT: join(__dirname, '../tsconfig.json'),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    // Crossings keep coming while it starts, replays and joins (a scale-up).
    await drive('scaleup', EPOCH + 3_500_000, () => new Promise((r) => setTimeout(r, 700)));
    // The process owns some partitions (its gauge), the in-process instance the rest.
    await waitFor(
      'the process to take a share of the partitions',
      async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const share = Number(/^dashboard_alerting_partitions (\d+)/m.exec(metrics)?.[1] ?? 0);
        const ready = (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
        return ready && share > 0 && share + owned(a).length === PARTITIONS ? true : undefined;
      },
      60_000,
      250,
    );
    const scaledUp = await allRaised('scaleup', EPOCH + 3_500_000);
    expect(new Set(scaledUp)).toEqual(new Set(expectedCrossings('scaleup', EPOCH + 3_500_000)));

    await drive('two', EPOCH + 4_000_000);
    expect(await allRaised('two', EPOCH + 4_000_000)).toEqual(expectedCrossings('two', EPOCH + 4_000_000));

    const killed = new Promise((resolve) => child?.once('exit', resolve));
    await drive('killed', EPOCH + 5_000_000, async (step) => {
      if (step === 1) {
        child?.kill('SIGKILL');
        await killed;
        child = undefined;
      }
    });
    // Its partitions come back after the session timeout (6 s here); what it left is raised then.
    const afterKill = await allRaised('killed', EPOCH + 5_000_000, 45_000);
    expect(new Set(afterKill)).toEqual(new Set(expectedCrossings('killed', EPOCH + 5_000_000)));
    expect(owned(a)).toHaveLength(PARTITIONS);
    // The crossings sent after the kill on its partitions were raised by the survivor, from pending.
    const takenOver = await a.get(DashboardMetrics).alertsTakenOver.get();
    expect(takenOver.values.reduce((n, v) => n + v.value, 0)).toBeGreaterThan(0);

    await drive('after', EPOCH + 6_000_000);
    expect(await allRaised('after', EPOCH + 6_000_000)).toEqual(
      expectedCrossings('after', EPOCH + 6_000_000),
    );
  });
});
