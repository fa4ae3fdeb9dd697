/**
 * `mq_bridge_queue_depth` on a real bridge process (its MQ side the `ibmmq`
 * double, Kafka and the registry real): the input queue's depth while the
 * bridge holds messages back, and the backout queue's depth as poison
 * messages move there, as MQINQ reports them.
 */
import { createServer } from 'node:net';
import { createSchemaRegistryClient, inventorySchemas, registryConfigFromEnv } from '@eda/events';
import { KafkaTestContext, waitFor } from '@eda/testing';
import { startBridgeProcess, waitUntilReady, type BridgeProcess } from '../testing/bridge-process.fixture';
import { FAKE_MQ } from '../testing/fake-mq-protocol';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('mq_bridge_queue_depth (MQINQ of the input and backout queues)', () => {
  const context = new KafkaTestContext('mq-bridge-depth');
  let bridge: BridgeProcess | undefined;

  afterAll(async () => {
    await bridge?.kill();
    await context.close();
  }, 60_000);

  it('shows poison messages arriving on the backout queue, and the input queue drained', async () => {
    const topic = await context.createTopic('items-depth', { partitions: 1 });
    const registry = createSchemaRegistryClient(registryConfigFromEnv());
    await registry.register(`${topic}-value`, JSON.stringify(inventorySchemas.ItemTransaction));
    bridge = startBridgeProcess(await freePort(), { ITEMS_TOPIC: topic, MQ_WAIT_MS: '100' });
    const b = bridge;
    await waitUntilReady(b);
    const depth = (queue: string) => b.metric('mq_bridge_queue_depth', `queue="${queue}"`);
    expect(await depth('input')).toBe(0);
    expect(await depth('backout')).toBe(0);

    await b.put(['not json', '{"also": "not a transaction"}', '[]']);
    // The depth is inquired at most every 5 s: wait for a fresh reading.
    await waitFor(
      '3 messages on the backout queue',
      async () => ((await depth('backout')) === 3 ? true : undefined),
      30_000,
      500,
    );
    expect(await depth('input')).toBe(0);
    expect(await b.browse(FAKE_MQ.env.MQ_BACKOUT_QUEUE)).toHaveLength(3);
  }, 90_000);
});
