import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import { ClientStateProbe } from '../health/client-state-probe';
import { kafkaConfigFromEnv } from './kafka-client-config';
import {
  ACKS_ALL,
  createConsumer,
  createIdempotentProducer,
  createKafkaClient,
} from './kafka-client-factory';

describe('Kafka client factory against the real broker', () => {
  const context = new KafkaTestContext('kafka-factory');
  const config = kafkaConfigFromEnv(
    { KAFKA_BROKERS: stackEndpoints().brokers.join(',') },
    uniqueName('factory'),
  );
  const logs: string[] = [];
  const sink = {
    error: (_f: Record<string, unknown>, m: string) => logs.push(`error ${m}`),
    warn: (_f: Record<string, unknown>, m: string) => logs.push(`warn ${m}`),
    info: (_f: Record<string, unknown>, m: string) => logs.push(`info ${m}`),
    debug: () => undefined,
  };
  const kafka = createKafkaClient(config, { logger: sink });

  afterAll(() => context.close());

  it('produces with the idempotent producer, and the probe follows its lifecycle', async () => {
    const topic = await context.createTopic('factory', { partitions: 2 });
    const producer = createIdempotentProducer(kafka);
    const probe = ClientStateProbe.forProducer(producer);
    expect(probe.current().state).toBe('idle');
    await producer.connect();
    expect(probe.current().state).toBe('connected');
    const [result] = await producer.send({ topic, acks: ACKS_ALL, messages: [{ key: 'k', value: 'v' }] });
    expect(result?.errorCode).toBe(0);
    await producer.disconnect();
    expect(probe.current().state).toBe('disconnected');
  });

  it('refuses to create a topic by producing to it (auto-creation is off in the client too)', async () => {
    const producer = createIdempotentProducer(kafka, { retry: { retries: 1 } });
    await producer.connect();
    await expect(
      producer.send({ topic: uniqueName('missing'), acks: ACKS_ALL, messages: [{ value: 'x' }] }),
    ).rejects.toThrow();
    await producer.disconnect();
  });

  it('joins a consumer group, which the probe reports, then stops', async () => {
    const topic = await context.createTopic('factory-consume');
    const consumer = createConsumer(kafka, uniqueName('group'));
    const probe = ClientStateProbe.forConsumer(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    await waitFor('group join', () => (probe.current().state === 'joined' ? true : undefined));
    await consumer.disconnect();
    expect(['stopped', 'disconnected']).toContain(probe.current().state);
  });
});
