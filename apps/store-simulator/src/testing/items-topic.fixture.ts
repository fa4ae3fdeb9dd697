/**
 * Integration-test fixture: a throw-away items topic's schema, and reading the
 * transactions back the way a real consumer would (kafkajs + AvroSerde).
 * Takes the kafkajs client from the test's `KafkaTestContext`.
 */
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  registryConfigFromEnv,
  type ItemTransaction,
} from '@eda/events';
import type { Kafka } from 'kafkajs';

/** One consumed record. */
export interface ConsumedTransaction {
  readonly key: string;
  readonly partition: number;
  readonly value: ItemTransaction;
  readonly headers: Record<string, string>;
}

/** Registers `ItemTransaction` under `<topic>-value`, as `npm run schemas:deploy` does for `items`. */
export async function registerItemsSchema(topic: string): Promise<void> {
  const registry = createSchemaRegistryClient(registryConfigFromEnv());
  await registry.register(`${topic}-value`, JSON.stringify(inventorySchemas.ItemTransaction));
}

/** Reads `topic` from the beginning until `expected` records arrived, or fails after `timeoutMs`. */
export async function consumeTransactions(
  kafka: Kafka,
  topic: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<ConsumedTransaction[]> {
  const serde = new AvroSerde<ItemTransaction>({
    registry: createSchemaRegistryClient(registryConfigFromEnv()),
    schema: inventorySchemas.ItemTransaction,
  });
  const consumer = kafka.consumer({ groupId: `${topic}.reader` });
  const received: ConsumedTransaction[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`received ${received.length} of ${expected} records from ${topic}`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const value = await serde.decode(message.value as Buffer, {
              topic,
              partition,
              offset: message.offset,
            });
            const headers = Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
            );
            received.push({ key: String(message.key), partition, value, headers });
            if (received.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}
