/**
 * The bridge end to end: the real Kafka broker and the real Apicurio registry
 * on one side, the `ibmmq` test double (`@eda/mq/testing`) standing in for the
 * queue manager on the other. Each test reads the topic back as a consumer
 * would (kafkajs + AvroSerde through the registry) and looks at what is left
 * on the MQ queues.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  registryConfigFromEnv,
  type ItemTransaction,
} from '@eda/events';
import { loadIbmMq, MqQueueManager } from '@eda/mq';
import { createFakeIbmMq, FakeQueueManager, putTestMessages, type TestMessage } from '@eda/mq/testing';
import { KafkaTestContext, waitFor } from '@eda/testing';
import type { Consumer } from 'kafkajs';
import { MqBridgeTransport } from './bridge/mq-bridge-transport';
import { serve } from './serve';

const IN = 'DEV.ITEMS';
const BOQ = 'DEV.ITEMS.BACKOUT';
const MQ_ENV = {
  MQ_QMGR: 'QM1',
  MQ_CONN_NAME: 'mq(1414)',
  MQ_CHANNEL: 'DEV.APP.SVRCONN',
  MQ_USER: 'app',
  MQ_PASSWORD: 'passw0rd',
  MQ_QUEUE: IN,
  MQ_BACKOUT_QUEUE: BOQ,
  MQ_WAIT_MS: '100',
};
const APP = { user: 'app', password: 'passw0rd' };

/** True where `ibmmq` finds the MQ C client (the mq-bridge image); false on the machines this repository builds on. */
const MQ_CLIENT_INSTALLED = (() => {
  try {
    loadIbmMq();
    return true;
  } catch {
    return false;
  }
})();

interface Consumed {
  readonly key: string;
  readonly value: ItemTransaction;
  readonly headers: Record<string, string>;
}

function transaction(i: number, storeId = `store-${String(i % 4).padStart(3, '0')}`): ItemTransaction {
  return {
    id: randomUUID(),
    storeId,
    sku: `SKU-${String(i).padStart(5, '0')}`,
    type: i % 3 === 0 ? ('RESTOCK' as ItemTransaction['type']) : ('SALE' as ItemTransaction['type']),
    quantity: 1 + (i % 5),
    unitPrice: 100 + i,
    currency: 'USD',
    timestamp: 1_764_000_000_000 + i,
  };
}

describe('mq-bridge: IBM MQ (test double) to the real Kafka and registry', () => {
  const context = new KafkaTestContext('mq-bridge');
  const serde = new AvroSerde<ItemTransaction>({
    registry: createSchemaRegistryClient(registryConfigFromEnv()),
    schema: inventorySchemas.ItemTransaction,
  });
  const saved = { ...process.env };
  const apps: INestApplication[] = [];
  let qmgr: FakeQueueManager;
  let topic: string;

  beforeEach(async () => {
    qmgr = new FakeQueueManager('QM1', { channels: ['DEV.APP.SVRCONN'], users: { app: 'passw0rd' } })
      .defineQueue(IN)
      .defineQueue(BOQ);
    topic = await context.createTopic('items-mq', { partitions: 3 });
    // As `npm run schemas:deploy` registers `items-value`; the bridge never auto-registers.
    await createSchemaRegistryClient(registryConfigFromEnv()).register(
      `${topic}-value`,
      JSON.stringify(inventorySchemas.ItemTransaction),
    );
  });

  afterEach(async () => {
    await Promise.allSettled(apps.splice(0).map((app) => app.close()));
    process.env = { ...saved };
  });
  afterAll(() => context.close());

  async function start(env: Record<string, string> = {}): Promise<{ app: INestApplication; base: string }> {
    process.env = {
      ...saved,
      LOG_LEVEL: 'silent',
      ...MQ_ENV,
      ITEMS_TOPIC: topic,
      ITEMS_SUBJECT: `${topic}-value`,
      ...env,
    };
    const app = await serve({ port: 0, mqDriver: createFakeIbmMq(qmgr) });
    apps.push(app);
    return { app, base: `http://127.0.0.1:${app.getHttpServer().address().port}` };
  }

  async function stop(app: INestApplication): Promise<void> {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  /** Reads the topic from the beginning into `into`, decoding through the registry. */
  async function consume(into: Consumed[]): Promise<Consumer> {
    const consumer = await context.consumer();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        into.push({
          key: String(message.key),
          value: await serde.decode(message.value as Buffer, { topic }),
          headers,
        });
      },
    });
    return consumer;
  }

  const put = (messages: readonly TestMessage[]) => putTestMessages(qmgr, IN, messages, APP);
  const json = (txs: readonly ItemTransaction[]) => txs.map((tx) => JSON.stringify(tx));
  const ids = (records: readonly Consumed[]) => records.map((r) => r.value.id);

  it('(a) bridges N messages exactly once, keyed by storeId, with the MQ trace context in the headers', async () => {
    const txs = Array.from({ length: 240 }, (_, i) => transaction(i));
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await put([{ body: JSON.stringify(txs[0]), properties: { traceparent } }, ...json(txs.slice(1))]);
    const { base } = await start({ MQ_BATCH_SIZE: '50' });
    const records: Consumed[] = [];
    await consume(records);
    await waitFor('240 records on Kafka', () => (records.length >= 240 ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 500)); // any duplicate would arrive by now
    expect(records).toHaveLength(240);
    expect(new Set(ids(records))).toEqual(new Set(txs.map((t) => t.id)));
    const byId = new Map(records.map((r) => [r.value.id, r]));
    for (const tx of txs) {
      expect(byId.get(tx.id)?.value).toEqual(tx);
      expect(byId.get(tx.id)?.key).toBe(tx.storeId);
    }
    expect(byId.get(txs[0]!.id)?.headers['traceparent']).toBe(traceparent);
    expect(qmgr.depth(IN)).toBe(0);
    expect(qmgr.depth(BOQ)).toBe(0);
    await waitFor('ready', async () =>
      (await fetch(`${base}/health/ready`)).status === 200 ? true : undefined,
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^mq_bridge_messages_bridged_total 240$/m);
    expect(metrics).toMatch(/^mq_bridge_mq_connected 1$/m);
  });

  it('(b) holds the batch on MQ while Kafka is unreachable, past the retry budget, and delivers it later', async () => {
    const txs = Array.from({ length: 20 }, (_, i) => transaction(i));
    await put(json(txs));
    const down = await start({
      KAFKA_BROKERS: '127.0.0.1:9',
      KAFKA_CONNECTION_TIMEOUT_MS: '200',
      KAFKA_RETRIES: '1',
      MQ_RETRY_BUDGET_MS: '300',
    });
    const metrics = async () => (await fetch(`${down.base}/metrics`)).text();
    await waitFor('the batch held for Kafka', async () =>
      /^mq_bridge_messages_held 20$/m.test(await metrics()) ? true : undefined,
    );
    // Kafka's outage is not the messages' fault: held under syncpoint (locked, so not on the
    // queue), never backed out however long the budget is exceeded, and readiness says why.
    const ready = await fetch(`${down.base}/health/ready`);
    expect(ready.status).toBe(503);
    const { error } = (await ready.json()) as { error: Record<string, Record<string, unknown>> };
    expect(error['kafka']).toMatchObject({ status: 'down', held: 20 });
    expect(error['producer']).toBeDefined();
    const text = await metrics();
    expect(text).toMatch(/^mq_bridge_kafka_available 0$/m);
    expect(text).not.toMatch(/^mq_bridge_messages_backed_out_total\{/m);
    expect(qmgr.depth(IN)).toBe(0);
    expect(qmgr.depth(BOQ)).toBe(0);
    await stop(down.app);
    // Closing while holding backs the batch out: on the queue again, each delivery counted once.
    expect(qmgr.browse(IN).map((m) => m.backoutCount)).toEqual(Array(20).fill(1));

    await start(); // the default backout threshold (3)
    const records: Consumed[] = [];
    await consume(records);
    await waitFor('20 records on Kafka', () => (records.length >= 20 ? true : undefined), 30_000);
    await waitFor('the queue drained', () => (qmgr.depth(IN) === 0 ? true : undefined));
    expect(ids(records).sort()).toEqual(txs.map((t) => t.id).sort());
    expect(qmgr.depth(BOQ)).toBe(0);
  });

  it('(c) moves poison messages to the backout queue with the reason, and later messages flow', async () => {
    const good = [transaction(1), transaction(2)];
    const bad = { ...transaction(3), quantity: 0 };
    await put([
      '{"this is": not json',
      JSON.stringify(good[0]),
      JSON.stringify(bad),
      JSON.stringify(good[1]),
    ]);
    const { base } = await start();
    const records: Consumed[] = [];
    await consume(records);
    await waitFor('2 records', () => (records.length >= 2 ? true : undefined), 20_000);
    await waitFor('2 poison messages moved', () => (qmgr.depth(BOQ) === 2 ? true : undefined));
    const moved = qmgr.browse(BOQ);
    expect(moved.map((m) => m.properties['eda_backout_reason'])).toEqual(['INVALID_JSON', 'INVALID_RECORD']);
    expect(moved[1]).toMatchObject({
      text: JSON.stringify(bad),
      properties: expect.objectContaining({
        eda_source_queue: IN,
        eda_backout_detail: expect.stringContaining('quantity: expected an int greater than zero, got 0'),
      }),
    });
    const later = [transaction(4), transaction(5)];
    await put(json(later));
    await waitFor('4 records', () => (records.length >= 4 ? true : undefined), 20_000);
    expect(ids(records).sort()).toEqual([...good, ...later].map((t) => t.id).sort());
    expect(qmgr.depth(IN)).toBe(0);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(
      /^mq_bridge_messages_poison_total\{reason="INVALID_RECORD"\} 1$/m,
    );
  });

  it('(d) moves a message whose BackoutCount reached the threshold, without producing it', async () => {
    const tired = transaction(1);
    await put([JSON.stringify(tired)]);
    // Three failed deliveries by an earlier consumer: get under syncpoint, back out.
    const other = new MqQueueManager({
      connection: {
        queueManager: 'QM1',
        connectionName: 'mq(1414)',
        channel: 'DEV.APP.SVRCONN',
        ...APP,
        applicationName: 'x',
      },
      driver: createFakeIbmMq(qmgr),
    });
    await other.connect();
    const input = await other.openInput(IN);
    for (let i = 0; i < 3; i++) {
      await other.get(input);
      await other.backout();
    }
    await other.disconnect();
    const fresh = transaction(2);
    await put([JSON.stringify(fresh)]);
    await start({ MQ_BACKOUT_THRESHOLD: '3' });
    const records: Consumed[] = [];
    await consume(records);
    await waitFor('the fresh record', () => (records.length >= 1 ? true : undefined), 20_000);
    await waitFor('the tired message moved', () => (qmgr.depth(BOQ) === 1 ? true : undefined));
    expect(qmgr.browse(BOQ)[0]).toMatchObject({
      text: JSON.stringify(tired),
      properties: expect.objectContaining({ eda_backout_reason: 'BACKOUT_THRESHOLD', eda_backout_count: 3 }),
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(ids(records)).toEqual([fresh.id]);
  });

  it('(e) loses nothing when closed mid-stream (what SIGTERM does): the batch finishes, the rest stays queued', async () => {
    const txs = Array.from({ length: 400 }, (_, i) => transaction(i));
    await put(json(txs));
    const first = await start({ MQ_BATCH_SIZE: '20' });
    // Close as soon as the first batch committed; the next one may be under way.
    const closed = new Promise<void>((resolve) => {
      let closing = false;
      first.app.get(MqBridgeTransport).server?.on('batch', (report) => {
        if (report.outcome !== 'committed' || closing) return;
        closing = true;
        void stop(first.app).then(resolve);
      });
    });
    await closed;
    const records: Consumed[] = [];
    await consume(records);
    const queuedIds = () => qmgr.browse(IN).map((m) => (JSON.parse(m.text) as ItemTransaction).id);
    await waitFor('every message bridged or queued', () =>
      new Set(ids(records)).size + queuedIds().length === 400 ? true : undefined,
    );
    const bridged = new Set(ids(records));
    expect(records).toHaveLength(bridged.size); // no duplicates either
    expect(queuedIds().filter((id) => bridged.has(id))).toEqual([]);
    expect(bridged.size).toBeGreaterThanOrEqual(20);
    expect(queuedIds().length).toBeGreaterThan(0);
    expect(qmgr.connectionCount).toBe(0);

    await start({ MQ_BATCH_SIZE: '100' });
    await waitFor('all 400', () => (new Set(ids(records)).size === 400 ? true : undefined), 30_000);
    expect(qmgr.depth(IN)).toBe(0);
  });

  it('(f) reconnects when the MQ connection breaks mid-batch, and loses nothing', async () => {
    const txs = Array.from({ length: 100 }, (_, i) => transaction(i));
    await put(json(txs));
    // Break the connection during the 15th get, and again at the second commit.
    qmgr.failNext({ verb: 'GET', mqrc: 2009, after: 14 });
    qmgr.failNext({ verb: 'CMIT', mqrc: 2009, after: 1 });
    const { base } = await start({ MQ_BATCH_SIZE: '10' });
    const records: Consumed[] = [];
    await consume(records);
    await waitFor('all 100 bridged', () => (new Set(ids(records)).size === 100 ? true : undefined), 30_000);
    await waitFor('queue drained', () => (qmgr.depth(IN) === 0 ? true : undefined));
    expect(new Set(ids(records))).toEqual(new Set(txs.map((t) => t.id)));
    // At-least-once: the batch whose commit failed after Kafka acknowledged comes again.
    expect(records.length).toBeGreaterThanOrEqual(100);
    expect(records.length).toBeLessThanOrEqual(110);
    expect(qmgr.connectionCount).toBe(1);
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(
      /^mq_bridge_messages_backed_out_total\{cause="connection-lost"\} 10$/m,
    );
  });

  it('reports the queue manager down on readiness, not liveness, and recovers when it returns', async () => {
    qmgr.stop();
    const { base } = await start();
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { error: Record<string, { state?: string }> }).error['mq']?.state).toBe(
      'connecting',
    );
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    qmgr.start();
    await waitFor(
      'ready',
      async () => ((await fetch(`${base}/health/ready`)).status === 200 ? true : undefined),
      40_000,
    );
  });

  // Where the MQ C client is installed this failure cannot happen, so the test has nothing to show:
  // it is skipped, saying so, on a developer's machine, and fails under CI, which must run where the
  // client is absent (MQIJS_NOREDIST) so that this start-up path is tested at all.
  (MQ_CLIENT_INSTALLED && process.env['CI'] !== 'true' ? it.skip : it)(
    'without a driver, loads ibmmq and fails start-up clearly when the MQ C client is missing',
    async () => {
      if (MQ_CLIENT_INSTALLED) {
        throw new Error(
          'CI=true, but the IBM MQ C client is installed on this machine: this test cannot show the ' +
            'start-up failure without it. Run CI where the client is absent (npm ci with MQIJS_NOREDIST=true).',
        );
      }
      process.env = {
        ...saved,
        LOG_LEVEL: 'silent',
        ...MQ_ENV,
        ITEMS_TOPIC: topic,
        ITEMS_SUBJECT: `${topic}-value`,
      };
      const outcome = await serve({ port: 0 }).then(
        (app) => app,
        (err: Error) => err,
      );
      if (!(outcome instanceof Error)) await outcome.close();
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toMatch(
        /^IBM MQ C client not found; install the redistributable client or run the mq-bridge image/,
      );
      expect(outcome).toMatchObject({ retriable: false });
    },
  );

  it('fails start-up with the variable named when the configuration is wrong', async () => {
    await expect(start({ MQ_QUEUE: '' })).rejects.toThrow(/^MQ_QUEUE is required/);
    await expect(start({ MQ_CONN_NAME: 'mq:1414' })).rejects.toThrow(/^MQ_CONN_NAME must be host\(port\)/);
  });
});
