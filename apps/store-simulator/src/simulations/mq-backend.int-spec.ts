/**
 * The `mq` backend where the IBM MQ C client is missing (the machines this
 * repository is built on): the app starts with MQ configured, a `mq`
 * simulation fails with what to install in its status, and readiness and the
 * Kafka backend are unaffected, MQ showing as a detail only. The real
 * `ibmmq` loader is used, not the test double. (The backend against the
 * double, through the MQ bridge to Kafka: tools/e2e.)
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { loadIbmMq } from '@eda/mq';
import { KafkaTestContext, waitFor } from '@eda/testing';
import { serve } from '../serve';
import { consumeTransactions, registerItemsSchema } from '../testing/items-topic.fixture';

/** True where `ibmmq` finds the MQ C client; then the failure this file is about cannot happen. */
function mqClientInstalled(): boolean {
  try {
    loadIbmMq();
    return true;
  } catch {
    return false;
  }
}

const describeWithoutMqClient = mqClientInstalled() ? describe.skip : describe;

describeWithoutMqClient('store-simulator with MQ configured but no MQ C client', () => {
  const context = new KafkaTestContext('store-simulator-mq');
  const saved = { ...process.env };
  let app: INestApplication;
  let base: string;
  let topic: string;

  beforeAll(async () => {
    topic = await context.createTopic('items');
    await registerItemsSchema(topic);
    Object.assign(process.env, {
      LOG_LEVEL: 'silent',
      ITEMS_TOPIC: topic,
      MQ_QMGR: 'QM1',
      MQ_CONN_NAME: 'mq(1414)',
      MQ_CHANNEL: 'DEV.APP.SVRCONN',
      MQ_QUEUE: 'DEV.ITEMS',
    });
    app = await serve({ port: 0 });
    base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  });
  afterAll(async () => {
    await app?.close();
    process.env = { ...saved };
    await context.close();
  });

  const post = (body: unknown) =>
    fetch(`${base}/api/simulations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const status = async (id: string) =>
    (await (await fetch(`${base}/api/simulations/${id}`)).json()) as Record<string, unknown>;

  it('accepts a mq simulation, which fails at once with what to install in its status', async () => {
    const response = await post({ backend: 'mq', count: 10, seed: 1 });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const final = await waitFor('the mq run to finish', async () => {
      const s = await status(id);
      return s['state'] === 'running' ? undefined : s;
    });
    expect(final).toMatchObject({
      state: 'failed',
      backend: 'mq',
      destination: 'DEV.ITEMS',
      sent: 0,
      failed: 10,
    });
    expect(final['error']).toMatch(
      /^backend "mq" cannot send: the IBM MQ C client \(libmqm_r\) is not installed/,
    );
  });

  it('stays ready, with the MQ failure as a detail, and the Kafka backend still sends', async () => {
    const ready = await waitFor('readiness', async () => {
      const r = await fetch(`${base}/health/ready`);
      return r.status === 200 ? r : undefined;
    });
    const body = (await ready.json()) as { details: Record<string, Record<string, unknown>> };
    expect(body.details['mq']).toMatchObject({
      status: 'up',
      state: 'disconnected',
      queue: 'DEV.ITEMS',
      lastError: expect.stringContaining('IBM MQ C client'),
    });

    const response = await post({ backend: 'kafka', count: 50, seed: 2 });
    expect(response.status).toBe(202);
    expect(await consumeTransactions(context.kafka, topic, 50)).toHaveLength(50);
  });
});
