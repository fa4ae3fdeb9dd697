/**
 * The kafkajs patches (patches/kafkajs+2.2.4.patch) the engine relies on,
 * checked against the real broker: if `npm ci` stops applying them, this fails
 * rather than the engine silently losing what they give.
 */
import { KafkaTestContext } from '@eda/testing';

describe('patched kafkajs 2.2.4', () => {
  const context = new KafkaTestContext('kafkajs-patch');
  afterAll(() => context.close());

  it('reports the generation a join completed in GROUP_JOIN (the stream thread needs it after an outage)', async () => {
    const topic = await context.createTopic('gen', { partitions: 1 });
    const consumer = await context.consumer();
    const joined = new Promise<Record<string, unknown>>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
        resolve(payload as unknown as Record<string, unknown>),
      ),
    );
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    const payload = await joined;
    expect(payload['generationId']).toEqual(expect.any(Number));
    expect(payload['generationId']).toBeGreaterThan(0);
  });
});
