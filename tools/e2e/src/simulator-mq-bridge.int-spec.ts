/**
 * The MQ path end to end: store simulator (backend "mq") → IBM MQ → mq-bridge
 * → Kafka → a consumer decoding through the registry.
 *
 * Both apps run in this process through their public `serve()` functions,
 * given the same `ibmmq` test double over ONE `FakeQueueManager`, so the
 * simulator's puts are what the bridge gets. Kafka and Apicurio are the real
 * ones (the native stack), on a topic of this test's own. This lives in
 * tools/e2e because no app may import another app (eslint.config.mjs).
 *
 * What it proves: the JSON the simulator puts is what the bridge parses
 * (nothing reaches the backout queue), every transaction reaches Kafka once
 * with the simulator's ids and values, keyed by storeId, and the two apps can
 * run at the same time on one queue (uncommitted puts stay invisible to the
 * bridge's gets until the simulator commits the batch).
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  registryConfigFromEnv,
  type ItemTransaction,
} from '@eda/events';
import { createFakeIbmMq, FakeQueueManager } from '@eda/mq/testing';
import { KafkaTestContext, waitFor } from '@eda/testing';
import { serve as serveBridge } from '../../../apps/mq-bridge/src/serve';
import { serve as serveSimulator } from '../../../apps/store-simulator/src/serve';

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

interface Consumed {
  readonly key: string;
  readonly value: ItemTransaction;
}

describe('store-simulator → IBM MQ (test double) → mq-bridge → Kafka', () => {
  const context = new KafkaTestContext('e2e-mq');
  const serde = new AvroSerde<ItemTransaction>({
    registry: createSchemaRegistryClient(registryConfigFromEnv()),
    schema: inventorySchemas.ItemTransaction,
  });
  const saved = { ...process.env };
  const apps: INestApplication[] = [];
  const consumed: Consumed[] = [];
  let qmgr: FakeQueueManager;
  let driver: ReturnType<typeof createFakeIbmMq>;
  let topic: string;
  let simulator: string;

  beforeAll(async () => {
    qmgr = new FakeQueueManager('QM1', { channels: ['DEV.APP.SVRCONN'], users: { app: 'passw0rd' } })
      .defineQueue(QUEUE)
      .defineQueue(BACKOUT);
    driver = createFakeIbmMq(qmgr);
    topic = await context.createTopic('items-mq-e2e', { partitions: 3 });
    // As `npm run schemas:deploy` registers `items-value`; neither app auto-registers.
    await createSchemaRegistryClient(registryConfigFromEnv()).register(
      `${topic}-value`,
      JSON.stringify(inventorySchemas.ItemTransaction),
    );
    // Both apps read their configuration from the environment once, at creation.
    process.env = { ...saved, LOG_LEVEL: 'silent', ITEMS_TOPIC: topic, ...MQ_ENV };
    const app = await serveSimulator({ port: 0, mqDriver: driver });
    apps.push(app);
    simulator = `http://127.0.0.1:${app.getHttpServer().address().port}/api/simulations`;

    const consumer = await context.consumer();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        consumed.push({
          key: String(message.key),
          value: await serde.decode(message.value as Buffer, { topic }),
        });
      },
    });
  });

  afterAll(async () => {
    await Promise.allSettled(apps.splice(0).map((app) => app.close()));
    process.env = { ...saved };
    await context.close();
  });

  async function simulate(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await fetch(simulator, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ backend: 'mq', ...body }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    return waitFor(
      `simulation ${id} to finish`,
      async () => {
        const status = (await (await fetch(`${simulator}/${id}`)).json()) as Record<string, unknown>;
        return status['state'] === 'running' ? undefined : status;
      },
      30_000,
    );
  }

  /** Waits for `count` records, then a little longer: a duplicate would arrive by then. */
  async function consumedAfter(count: number): Promise<Consumed[]> {
    await waitFor(
      `${count} records on ${topic}`,
      () => (consumed.length >= count ? true : undefined),
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    return [...consumed];
  }

  it('bridges exactly the N seeded transactions the simulator put on the queue, with their ids', async () => {
    const N = 300;
    const status = await simulate({ count: N, seed: 4242, stores: 4, skus: 12 });
    expect(status).toMatchObject({ state: 'completed', sent: N, failed: 0, destination: QUEUE });
    // The simulator's output, read off the queue before anything consumes it.
    const sent = qmgr.browse(QUEUE).map((m) => JSON.parse(m.text) as ItemTransaction);
    expect(sent).toHaveLength(N);
    expect(new Set(sent.map((tx) => tx.id)).size).toBe(N);

    const bridge = await serveBridge({ port: 0, mqDriver: driver });
    apps.push(bridge);
    const records = await consumedAfter(N);
    expect(records).toHaveLength(N);
    const byId = new Map(records.map((r) => [r.value.id, r]));
    expect([...byId.keys()].sort()).toEqual(sent.map((tx) => tx.id).sort());
    for (const tx of sent) {
      expect(byId.get(tx.id)?.value).toEqual(tx);
      expect(byId.get(tx.id)?.key).toBe(tx.storeId);
    }
    expect(qmgr.depth(QUEUE)).toBe(0);
    expect(qmgr.depth(BACKOUT)).toBe(0);
  });

  it('keeps doing so with both apps running at once on the same queue', async () => {
    const before = consumed.length;
    const M = 400;
    const status = await simulate({ count: M, seed: 77, stores: 3, skus: 7, ratePerSec: 2000 });
    expect(status).toMatchObject({ state: 'completed', sent: M, failed: 0 });
    const records = (await consumedAfter(before + M)).slice(before);
    expect(records).toHaveLength(M);
    expect(new Set(records.map((r) => r.value.id)).size).toBe(M);
    for (const r of records) expect(r.key).toBe(r.value.storeId);
    await waitFor('the queue drained', () => (qmgr.depth(QUEUE) === 0 ? true : undefined));
    expect(qmgr.depth(BACKOUT)).toBe(0);
  });
});
