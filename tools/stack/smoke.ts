/**
 * `npm start`'s last step: proves the running stack works end to end, then
 * says where to look.
 *
 * It creates a throw-away topic, sends one ItemTransaction through the Avro
 * serde (schema looked up under the deployed `items-value` subject, never
 * auto-registered), reads it back with a separate consumer that knows only
 * the schema id in the frame, and deletes the topic. The real `items` topic is
 * left alone, so the smoke check never changes anyone's stock.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  ItemTransaction,
  registryConfigFromEnv,
  TransactionType,
} from '@eda/events';
import { loadTopicCatalog, TOPIC_CATALOG_DIR } from '@eda/kafka/topics';
import { join } from 'node:path';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

async function main(): Promise<void> {
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  const registryConfig = registryConfigFromEnv();
  const registry = createSchemaRegistryClient(registryConfig);
  const kafka = new Kafka({ clientId: 'eda-smoke', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();

  const declared = loadTopicCatalog(join(__dirname, '../..', TOPIC_CATALOG_DIR)).map((t) => t.name);
  const existing = new Set(await admin.listTopics());
  const missing = declared.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    throw new Error(
      `topics declared in gitops/ but missing on the broker: ${missing.join(', ')}; run npm run stack:topics`,
    );
  }

  const topic = `smoke.${randomUUID()}`;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
  });
  const producer = kafka.producer({ idempotent: true });
  const consumer = kafka.consumer({ groupId: `eda-smoke-${randomUUID()}` });
  try {
    // Written under the deployed items-value subject, as the simulator will.
    const writer = new AvroSerde<ItemTransaction>({
      registry,
      schema: inventorySchemas.ItemTransaction,
      subjectNameStrategy: () => 'items-value',
    });
    const sent: ItemTransaction = {
      id: randomUUID(),
      storeId: 'store-smoke',
      sku: 'SKU-SMOKE',
      type: TransactionType.RESTOCK,
      quantity: 1,
      unitPrice: 100,
      currency: 'USD',
      timestamp: Date.now(),
    };
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: sent.storeId, value: await writer.encode(topic, sent) }],
    });

    // A separate reader: it learns the writer schema from the id in the frame.
    const reader = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<ItemTransaction>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no record consumed within 20 s')), 20_000);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          clearTimeout(timer);
          resolve(await reader.decode(message.value!, { topic, partition, offset: message.offset }));
        },
      });
    });
    if (received.id !== sent.id || received.quantity !== sent.quantity) {
      throw new Error(`decoded ${JSON.stringify(received)}, expected ${JSON.stringify(sent)}`);
    }
    const schemaId = (await writer.encode(topic, sent)).readUInt32BE(1);
    console.log(
      `smoke: ok: ItemTransaction ${sent.id} went through Kafka as Avro (schema id ${schemaId}) and back`,
    );
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }

  console.log(`
Stack is up.
  Kafka bootstrap   ${brokers.join(',')}    (topics: ${declared.length} declared in gitops/, all present)
  Schema registry   ${registryConfig.url}
  Try:              curl -s ${registryConfig.url}/subjects
                    curl -s ${registryConfig.url}/subjects/items-value/versions/latest
  Logs:             npm run stack:logs        Stop: npm run stack:down`);
}

main().catch((err: unknown) => {
  console.error(`smoke: failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
