/**
 * The mq-bridge across a real Kafka outage, with the DEFAULT backout
 * threshold (issue 12): the real bridge process (`main.ts`'s `runApp`, on
 * the `ibmmq` test double) against the dedicated fault stack, whose broker is
 * killed with SIGKILL and restarted after FAULT_OUTAGE_MS (default 180,000:
 * three minutes, well past the ~95 s after which the old design moved valid
 * messages to the backout queue).
 *
 * Valid messages sent before, at the start of and in the middle of the
 * outage must all reach Kafka once the broker is back, none of them may
 * reach the backout queue or be backed out (their BackoutCount stays 0), and
 * the two invalid messages sent during the outage must be the only ones
 * moved. Duplicates are allowed only within the at-least-once bound: one
 * batch the broker may have written before it died without acknowledging.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  registryConfigFromEnv,
  type ItemTransaction,
} from '@eda/events';
import { FaultStack, KafkaTestContext, waitFor } from '@eda/testing';
import { startBridgeProcess, waitUntilReady, type BridgeProcess } from './testing/bridge-process.fixture';
import { FAKE_MQ } from './testing/fake-mq-protocol';

const OUTAGE_MS = Number(process.env['FAULT_OUTAGE_MS'] || 180_000);
const BATCH_SIZE = 50;
const IN = FAKE_MQ.env.MQ_QUEUE;
const BOQ = FAKE_MQ.env.MQ_BACKOUT_QUEUE;

function transactions(count: number, from: number): ItemTransaction[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      id: randomUUID(),
      storeId: `store-${String(i % 5).padStart(3, '0')}`,
      sku: `SKU-${String(i % 40).padStart(5, '0')}`,
      type: (i % 4 === 0 ? 'RESTOCK' : 'SALE') as ItemTransaction['type'],
      quantity: 1 + (i % 7),
      unitPrice: 250 + i,
      currency: 'USD',
      timestamp: Date.now(),
    };
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('mq-bridge across a Kafka outage, with the default backout threshold', () => {
  const stack = new FaultStack();
  const context = new KafkaTestContext('fault-mq-bridge');
  let bridge: BridgeProcess | undefined;

  afterAll(async () => {
    await bridge?.kill();
    await stack.up(); // a failed test may have left the broker down
    await context.close();
  }, 180_000);

  it(
    `holds valid messages on MQ through a ${OUTAGE_MS / 1000} s broker outage and delivers every one after it`,
    async () => {
      // A broker just (re)started may not serve the new topic's metadata yet: try again under a new name.
      const topic = await waitFor(
        'a topic with leaders',
        () => context.createTopic('items-mq-outage', { partitions: 3 }),
        60_000,
        1000,
      );
      const registry = createSchemaRegistryClient(registryConfigFromEnv());
      await registry.register(`${topic}-value`, JSON.stringify(inventorySchemas.ItemTransaction));
      bridge = startBridgeProcess(await freePort(), {
        ...stack.env,
        ITEMS_TOPIC: topic,
        ITEMS_SUBJECT: `${topic}-value`,
        MQ_BATCH_SIZE: String(BATCH_SIZE),
        MQ_WAIT_MS: '100',
      });
      const b = bridge;
      await waitUntilReady(b);

      const before = transactions(120, 0);
      await b.put(before.map((tx) => JSON.stringify(tx)));
      await waitFor(
        'the first 120 bridged',
        async () => ((await b.metric('mq_bridge_messages_bridged_total')) === 120 ? true : undefined),
        60_000,
      );

      const started = Date.now();
      await stack.kill('kafka');
      const early = transactions(300, 120);
      const invalid = ['{"not": json', JSON.stringify({ ...transactions(1, 999)[0], quantity: 0 })];
      await b.put([
        ...early.slice(0, 150).map((tx) => JSON.stringify(tx)),
        ...invalid,
        ...early.slice(150).map((tx) => JSON.stringify(tx)),
      ]);
      await waitFor(
        'the bridge to take a batch off the queue',
        async () => ((await b.browse(IN)).length < early.length + invalid.length ? true : undefined),
        60_000,
        250,
      );

      // Through the outage, observed every few seconds as an operator would: the bridge stays alive,
      // and no valid message is backed out (BackoutCount) or moved to the backout queue.
      const late = transactions(200, 420);
      let latePut = false;
      const valid = new Set([...before, ...early, ...late].map((tx) => tx.id));
      const observed = { validMoved: new Set<string>(), maxBackoutCount: 0 };
      while (Date.now() - started < OUTAGE_MS) {
        if (!latePut && Date.now() - started >= OUTAGE_MS / 2) {
          await b.put(late.map((tx) => JSON.stringify(tx)));
          latePut = true;
        }
        expect((await fetch(`${b.url}/health/live`)).status).toBe(200);
        for (const m of await b.browse(BOQ))
          if (valid.has(idOf(m.text))) observed.validMoved.add(idOf(m.text));
        for (const m of await b.browse(IN))
          observed.maxBackoutCount = Math.max(observed.maxBackoutCount, m.backoutCount);
        await new Promise((r) =>
          setTimeout(r, Math.min(5000, Math.max(0, OUTAGE_MS - (Date.now() - started)))),
        );
      }
      expect({
        validMovedToBackoutQueue: observed.validMoved.size,
        maxBackoutCount: observed.maxBackoutCount,
      }).toEqual({
        validMovedToBackoutQueue: 0,
        maxBackoutCount: 0,
      });
      // Still down: it says why it stopped getting, a batch held for Kafka, and is not ready meanwhile.
      expect(await b.metric('mq_bridge_messages_held')).toBe(BATCH_SIZE);
      expect(await b.metric('mq_bridge_kafka_available')).toBe(0);
      expect((await fetch(`${b.url}/health/ready`)).status).toBe(503);
      if (!latePut) await b.put(late.map((tx) => JSON.stringify(tx)));
      const outageMs = Date.now() - started;
      await stack.start('kafka');
      const restarted = Date.now();

      const serde = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
      const seen: string[] = [];
      const consumer = await context.consumer();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) =>
          void seen.push((await serde.decode(message.value as Buffer, { topic })).id),
      });
      await waitFor(
        `all ${valid.size} valid transactions on Kafka`,
        async () =>
          new Set(seen).size === valid.size && (await b.browse(IN)).length === 0 ? true : undefined,
        240_000,
        500,
      ).catch((err: Error) => {
        throw new Error(`${err.message} (${new Set(seen).size} seen)\n--- output ---\n${b.output()}`);
      });
      const recoveredMs = Date.now() - restarted;

      expect([...new Set(seen)].sort()).toEqual([...valid].sort());
      // At-least-once: at most the batch in flight when the broker died comes twice.
      expect(seen.length - valid.size).toBeLessThanOrEqual(BATCH_SIZE);
      const moved = await b.browse(BOQ);
      expect(moved.map((m) => m.properties['eda_backout_reason']).sort()).toEqual([
        'INVALID_JSON',
        'INVALID_RECORD',
      ]);
      expect(moved.map((m) => m.text).sort()).toEqual([...invalid].sort());
      // Even the invalid ones were moved on their own fault, never by the threshold after backouts.
      expect(moved.map((m) => m.properties['eda_backout_count'])).toEqual([0, 0]);
      expect(await b.metric('mq_bridge_messages_backed_out_total', 'cause="backed-out"')).toBeUndefined();
      expect(await b.metric('mq_bridge_messages_bridged_total')).toBeGreaterThanOrEqual(valid.size);
      await waitFor('Kafka available again on /metrics', async () =>
        (await b.metric('mq_bridge_kafka_available')) === 1 ? true : undefined,
      );
      // The figures of this run, for the record.
      process.stdout.write(
        `mq-bridge outage: ${Math.round(outageMs / 1000)} s down, all ${valid.size} delivered ${Math.round(recoveredMs / 1000)} s after restart, ` +
          `${seen.length - valid.size} duplicate(s), backout queue: ${moved.length} (invalid only)\n`,
      );
    },
    OUTAGE_MS + 600_000,
  );
});

function idOf(text: string): string {
  try {
    return String((JSON.parse(text) as { id?: unknown }).id);
  } catch {
    return '';
  }
}
