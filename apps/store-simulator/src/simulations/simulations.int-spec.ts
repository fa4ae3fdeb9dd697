/**
 * The simulator end to end on the real stack: the app in-process on a free
 * port, writing to a throw-away topic; a separate consumer reads the records
 * back through the registry and compares them with the generator's output.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { KafkaTestContext, waitFor } from '@eda/testing';
import { scenarioTransactions } from '../scenario/store-scenario';
import { serve } from '../serve';
import { consumeTransactions, registerItemsSchema } from '../testing/items-topic.fixture';

describe('store-simulator on Kafka and the registry', () => {
  const context = new KafkaTestContext('store-simulator');
  let app: INestApplication;
  let base: string;
  let topic: string;

  beforeAll(async () => {
    topic = await context.createTopic('items', { partitions: 6 });
    await registerItemsSchema(topic);
    process.env['ITEMS_TOPIC'] = topic;
    process.env['LOG_LEVEL'] = 'silent';
    app = await serve({ port: 0 });
    base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  });
  afterAll(async () => {
    await app?.close();
    await context.close();
  });

  const post = (body: unknown) =>
    fetch(`${base}/api/simulations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('is ready: Kafka reachable, producer connected, schema registered', async () => {
    // The producer connects in the background after start-up; readiness says when it is done.
    const response = await waitFor('readiness', async () => {
      const r = await fetch(`${base}/health/ready`);
      return r.status === 200 ? r : undefined;
    });
    const body = (await response.json()) as {
      status: string;
      details: Record<string, { status: string; state?: string }>;
    };
    expect(Object.keys(body.details).sort()).toEqual(['kafka', 'mq', 'producer', 'schema']);
    // No MQ variable set: the MQ backend is off, and only reported.
    expect(body.details['mq']).toEqual({ status: 'up', state: 'disabled' });
  });

  it("sends exactly the seed's transactions, keyed by storeId, and counts them", async () => {
    const options = { seed: 20_260_101, stores: 4, skus: 10 };
    const response = await post({ backend: 'kafka', count: 2000, ...options });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };

    const records = await consumeTransactions(context.kafka, topic, 2000);
    // Now-based event times by default: the status reports the start the run used.
    const { startTime } = (await (await fetch(`${base}/api/simulations/${id}`)).json()) as {
      startTime: string;
    };
    const expected = scenarioTransactions({ ...options, startTime: Date.parse(startTime) }, 2000);
    expect(records).toHaveLength(2000);
    expect(records.map((r) => r.value).sort(byId)).toEqual([...expected].sort(byId));
    for (const record of records) expect(record.key).toBe(record.value.storeId);
    // Within a store (one key, so one partition) the order is the generator's.
    for (const store of ['store-001', 'store-004']) {
      expect(records.filter((r) => r.key === store).map((r) => r.value.id)).toEqual(
        expected.filter((t) => t.storeId === store).map((t) => t.id),
      );
    }

    const status = (await (await fetch(`${base}/api/simulations/${id}`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ id, state: 'completed', sent: 2000, failed: 0, destination: topic });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const sent = [...metrics.matchAll(/^simulator_events_sent_total\{.*\} (\d+)$/gm)].map((m) =>
      Number(m[1]),
    );
    expect(sent.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('answers a bad body with 400 naming the field, and an unknown id with 404', async () => {
    const bad = await post({ backend: 'kafka', count: -3 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string[] }).message).toEqual(['count must not be less than 1']);
    expect((await fetch(`${base}/api/simulations/4b1c0a52-0000-4000-8000-000000000000`)).status).toBe(404);
  });

  it('answers /health/live', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });
});

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
