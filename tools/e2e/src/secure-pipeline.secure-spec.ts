/**
 * The whole pipeline with ACLs enforced, each component under its own
 * principal, on the secure native stack (EDA_STACK_SECURE=1: SASL/SCRAM-SHA-512,
 * StandardAuthorizer, allow.everyone.if.no.acl.found=false, only the stack's
 * admin a super user). Users and ACLs come from the KafkaUser files Strimzi
 * applies (gitops/platform/kafka-cluster/kafkausers/, generated from the apps'
 * declarations by `npm run acl:generate`).
 *
 *   Apicurio (apicurio-registry, KafkaSQL) <- schemas registered
 *   store-simulator --kafka--> items
 *   store-simulator --IBM MQ (test double)--> mq-bridge --> items
 *   items --> inventory-aggregator (exactly-once) --> item.inventory, store.inventory, store.sales.1m
 *         \--> items.dlq (an undecodable record) --> dlq-replayer (npm run dlq:replay) --> items
 *   inventory-dashboard <-- the three output topics
 *
 * The check is exact: the dashboard's stock per item and per store, and the
 * aggregator's sales per store, equal what the transactions on `items` imply
 * (each counted once), and the broker's authorizer logged no denial. Removing
 * one line of one KafkaUser (two cases below) fails the check with the
 * principal, the operation and the resource the broker denied.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import type { INestApplication } from '@nestjs/common';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  registryConfigFromEnv,
  type ItemTransaction,
} from '@eda/events';
import { createFakeIbmMq, FakeQueueManager } from '@eda/mq/testing';
import { waitFor } from '@eda/testing';
import { serve as serveAggregator } from '../../../apps/inventory-aggregator/src/serve';
import { serve as serveDashboard } from '../../../apps/inventory-dashboard/src/serve';
import { serve as serveBridge } from '../../../apps/mq-bridge/src/serve';
import { serve as serveSimulator } from '../../../apps/store-simulator/src/serve';
import { AclDeniedError, describeDenials, ROOT, SecureStack } from './secure/secure-stack';

jest.setTimeout(240_000);

const QUEUE = 'DEV.ITEMS';
const BACKOUT = 'DEV.ITEMS.BACKOUT';
const MQ_ENV = {
  MQ_QMGR: 'QM1',
  MQ_CONN_NAME: 'mq(1414)',
  MQ_CHANNEL: 'DEV.APP.SVRCONN',
  MQ_USER: 'app',
  MQ_PASSWORD: 'passw0rd',
  MQ_QUEUE: QUEUE,
  MQ_BACKOUT_QUEUE: BACKOUT,
  MQ_WAIT_MS: '100',
  MQ_BATCH_SIZE: '50',
  SIMULATOR_BATCH_SIZE: '40',
};

interface ViewSnapshot {
  readonly items: { sku: string; quantity: number }[];
  readonly stores: { storeId: string; items: Record<string, number> }[];
}

describe('the pipeline on the secure stack, each component under its own principal', () => {
  const stack = new SecureStack();
  const saved = { ...process.env };
  const apps: INestApplication[] = [];
  let qmgr: FakeQueueManager;
  let driver: ReturnType<typeof createFakeIbmMq>;
  let simulatorUrl: string;
  let aggregatorUrl: string;
  let dashboardUrl: string;

  /** Creates an app with exactly its principal's env (apps read it once, at creation). */
  async function start<T extends INestApplication>(
    principal: string,
    extra: NodeJS.ProcessEnv,
    create: () => Promise<T>,
  ): Promise<string> {
    process.env = { ...saved, LOG_LEVEL: 'silent', ...stack.envFor(principal), ...extra };
    try {
      const app = await create();
      apps.push(app);
      return `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    } finally {
      process.env = { ...saved };
    }
  }

  beforeAll(async () => {
    stack.up();
    qmgr = new FakeQueueManager('QM1', { channels: ['DEV.APP.SVRCONN'], users: { app: 'passw0rd' } })
      .defineQueue(QUEUE)
      .defineQueue(BACKOUT);
    driver = createFakeIbmMq(qmgr);
  });

  afterAll(async () => {
    await Promise.allSettled(apps.splice(0).map((app) => app.close()));
    process.env = { ...saved };
    stack.down();
  });

  async function simulate(body: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${simulatorUrl}/api/simulations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const status = await waitFor(
      `simulation ${id} to finish`,
      async () => {
        const s = (await (await fetch(`${simulatorUrl}/api/simulations/${id}`)).json()) as Record<
          string,
          unknown
        >;
        return s['state'] === 'running' ? undefined : s;
      },
      60_000,
    );
    expect(status).toMatchObject({ state: 'completed', failed: 0 });
  }

  /** The high watermarks of `topic`, summed (records plus transaction markers). */
  async function endOf(topic: string): Promise<number> {
    const admin = stack.adminKafka('eda-secure-e2e-offsets').admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Every record of `items` (written without transactions, so one offset per record), read as the admin. */
  async function readItems(): Promise<{ key: string | null; value: Buffer | null }[]> {
    const kafka = stack.adminKafka('eda-secure-e2e-reader');
    const total = await endOf('items');
    const records: { key: string | null; value: Buffer | null }[] = [];
    const consumer = kafka.consumer({ groupId: `eda-secure-e2e-${Date.now().toString(36)}` });
    await consumer.connect();
    await consumer.subscribe({ topic: 'items', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        records.push({ key: message.key ? String(message.key) : null, value: message.value });
      },
    });
    try {
      await waitFor(`${total} records on items`, () => (records.length >= total ? true : undefined), 30_000);
    } finally {
      await consumer.disconnect();
    }
    return records;
  }

  /** `npm run dlq:replay -- --dlq items.dlq [...]`, under the dlq-replayer principal; its output. */
  function dlqReplay(...args: string[]): string {
    const replay = spawnSync(
      'node',
      [
        '-r',
        '@swc-node/register',
        'apps/inventory-dashboard/src/cli/dlq-replay.ts',
        '--dlq',
        'items.dlq',
        ...args,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...saved,
          ...stack.envFor('dlq-replayer'),
          SWC_NODE_PROJECT: 'apps/inventory-dashboard/tsconfig.json',
        },
      },
    );
    return `${replay.stdout}${replay.stderr}`;
  }

  /**
   * The exact check: waits until the dashboard and the aggregator show what
   * the transactions on `items` imply; fails at once, naming principal,
   * operation and resource, when the broker denies anything after `mark`.
   */
  async function expectExactPipeline(mark: number, timeoutMs = 90_000): Promise<void> {
    const serde = new AvroSerde<ItemTransaction>({
      registry: createSchemaRegistryClient(registryConfigFromEnv({ SCHEMA_REGISTRY_URL: stack.registryUrl })),
      schema: inventorySchemas.ItemTransaction,
    });
    const transactions = new Map<string, ItemTransaction>();
    for (const r of await readItems()) {
      if (!r.value || r.key === 'poison') continue;
      const tx = await serde.decode(r.value, { topic: 'items' });
      transactions.set(tx.id, tx);
    }
    const stock = new Map<string, number>();
    const storeStock = new Map<string, Map<string, number>>();
    const sold = new Map<string, number>();
    for (const tx of transactions.values()) {
      const delta = tx.type === 'RESTOCK' ? tx.quantity : -tx.quantity;
      stock.set(tx.sku, (stock.get(tx.sku) ?? 0) + delta);
      const store = storeStock.get(tx.storeId) ?? new Map<string, number>();
      store.set(tx.sku, (store.get(tx.sku) ?? 0) + delta);
      storeStock.set(tx.storeId, store);
      if (tx.type === 'SALE') sold.set(tx.storeId, (sold.get(tx.storeId) ?? 0) + tx.quantity);
    }
    const expected = JSON.stringify({
      items: [...stock].sort(([a], [b]) => a.localeCompare(b)),
      stores: [...storeStock]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([s, items]) => [s, [...items].sort(([a], [b]) => a.localeCompare(b))]),
    });
    let shown = '';
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const denials = stack.deniedSince(mark);
      if (denials.length) throw new AclDeniedError(denials, 'the pipeline stalled');
      const view = (await (await fetch(`${dashboardUrl}/api/view`)).json()) as ViewSnapshot;
      shown = JSON.stringify({
        items: view.items.map((i) => [i.sku, i.quantity]),
        stores: view.stores.map((s) => [
          s.storeId,
          Object.entries(s.items).sort(([a], [b]) => a.localeCompare(b)),
        ]),
      });
      if (shown === expected) break;
      if (Date.now() > deadline)
        throw new Error(
          `the dashboard never showed the expected stock:\nexpected ${expected}\nshown    ${shown}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const [storeId, units] of sold) {
      const sales = (await (await fetch(`${aggregatorUrl}/api/stores/${storeId}/sales`)).json()) as {
        windows: { unitsSold: number }[];
      };
      expect([storeId, sales.windows.reduce((n, w) => n + w.unitsSold, 0)]).toEqual([storeId, units]);
    }
    expect(describeDenials(stack.deniedSince(mark))).toBe('');
  }

  /** A record no schema decodes, written to `items` as the admin: the aggregator dead-letters it. */
  async function producePoison(): Promise<void> {
    const producer = stack.adminKafka('eda-secure-e2e-poison').producer();
    await producer.connect();
    await producer.send({ topic: 'items', messages: [{ key: 'poison', value: Buffer.from('not avro') }] });
    await producer.disconnect();
  }

  it('is exact with every ACL in place, and the broker denies nothing', async () => {
    // The whole broker log of this fresh stack: Apicurio's start-up and the schema registration count too.
    const mark = 0;
    aggregatorUrl = await start('inventory-aggregator', { INTERNAL_TOPICS_CREATE: 'false' }, () =>
      serveAggregator({ port: 0 }),
    );
    dashboardUrl = await start('inventory-dashboard', {}, () => serveDashboard({ port: 0 }));
    simulatorUrl = await start('store-simulator', MQ_ENV, () =>
      serveSimulator({ port: 0, mqDriver: driver }),
    );
    await start('mq-bridge', MQ_ENV, () => serveBridge({ port: 0, mqDriver: driver }));

    await simulate({ backend: 'kafka', count: 200, seed: 7, stores: 3, skus: 8 });
    await simulate({ backend: 'mq', count: 200, seed: 8, stores: 3, skus: 8 });
    await waitFor(
      'the bridge to drain the queue',
      () => (qmgr.depth(QUEUE) === 0 ? true : undefined),
      30_000,
    );
    expect(qmgr.depth(BACKOUT)).toBe(0);

    await producePoison();
    await waitFor('the poison record on items.dlq', async () =>
      (await endOf('items.dlq')) > 0 ? true : undefined,
    );
    const dlqEnd = await endOf('items.dlq');
    // The operator's replay, as `npm run dlq:replay` runs it, under its own principal.
    expect(dlqReplay()).toMatch(/summary: replayed 1 of 1 dead letters/);
    // Still undecodable: dead-lettered again, and never counted.
    await waitFor('the replayed record back on items.dlq', async () =>
      (await endOf('items.dlq')) > dlqEnd ? true : undefined,
    );
    expect(dlqReplay('--dry-run')).toMatch(/summary: would replay 2 of 2 dead letters/);

    await expectExactPipeline(mark);
    // 400 transactions, each once (idempotent producers, the bridge committing MQ after Kafka acks),
    // plus the poison record and its replay.
    const items = await readItems();
    expect(items.filter((r) => r.key === 'poison')).toHaveLength(2);
    expect(items).toHaveLength(402);
  });

  it("fails naming the principal, operation and resource without the dashboard's Read on its groups", async () => {
    await stack.applyAcls(stack.kafkaUsersWithout('inventory-dashboard', 'inventory-dashboard-', 'Read'));
    try {
      const mark = stack.logMark();
      // A new instance joins fresh groups under the prefix the removed line granted. Its start may
      // wait on the group it cannot join, so the check runs meanwhile (against the running instance).
      const starting = start('inventory-dashboard', {}, () => serveDashboard({ port: 0 })).catch(
        (e: unknown) => e,
      );
      const failure = await expectExactPipeline(mark, 30_000).then(
        () => undefined,
        (e: unknown) => e,
      );
      await Promise.race([starting, new Promise((r) => setTimeout(r, 5000))]);
      expect(failure).toBeInstanceOf(AclDeniedError);
      expect((failure as Error).message).toMatch(
        /User:inventory-dashboard was denied (READ|DESCRIBE) on Group:LITERAL:inventory-dashboard-/,
      );
    } finally {
      await stack.applyAcls(stack.kafkaUsers());
    }
  });

  it("fails naming the principal, operation and resource without the aggregator's Write on a changelog", async () => {
    await stack.applyAcls(
      stack.kafkaUsersWithout('inventory-aggregator', 'inventory-aggregator-item-stock-changelog', 'Write'),
    );
    try {
      const mark = stack.logMark();
      await simulate({ backend: 'kafka', count: 20, seed: 9, stores: 3, skus: 8 });
      const failure = await expectExactPipeline(mark, 30_000).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(AclDeniedError);
      expect((failure as Error).message).toMatch(
        /User:inventory-aggregator was denied WRITE on Topic:LITERAL:inventory-aggregator-item-stock-changelog/,
      );
    } finally {
      await stack.applyAcls(stack.kafkaUsers());
    }
  });

  it('keeps the registry from starting without its DescribeConfigs on the journal (issue 14, item 2)', async () => {
    const mark = stack.logMark();
    try {
      const failure = stack.restartRegistryWithout(
        'apicurio-registry',
        'kafkasql-journal',
        'DescribeConfigs',
      );
      // It either exits or never becomes ready (under load it was seen answering 500 for the whole
      // timeout): both are the defect. The broker's denial below names the cause.
      expect(failure).toMatch(/registry (exited during start-up|was not ready after \d+s)/);
      expect(describeDenials(stack.deniedSince(mark))).toMatch(
        /User:apicurio-registry was denied DESCRIBE_CONFIGS on Topic:LITERAL:kafkasql-journal/,
      );
    } finally {
      await stack.applyAcls(stack.kafkaUsers());
    }
  });
});
