/**
 * The serde against the real stack: Apicurio for schemas, Kafka for bytes.
 * Subjects and topics are unique per run and removed afterwards.
 */
import type * as avro from 'avsc';
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import { RegistryUnavailableError, UnknownSchemaIdError } from '../errors';
import type { ItemTransaction } from '../generated/inventory-records';
import { inventorySchemas } from '../records';
import { registryConfigFromEnv } from '../registry/registry-config';
import { createSchemaRegistryClient } from '../registry/schema-registry-client';
import { AvroSerde } from './avro-serde';

const { registryUrl } = stackEndpoints();
const registry = createSchemaRegistryClient(registryConfigFromEnv({ SCHEMA_REGISTRY_URL: registryUrl }));
const subjects: string[] = [];

const tx: ItemTransaction = {
  id: '7d1e5c1a-8a53-4c6a-9a4e-3d2b1f0e9c87',
  storeId: 'store-7',
  sku: 'sku-1',
  type: 'RESTOCK',
  quantity: 12,
  unitPrice: 250,
  currency: 'USD',
  timestamp: Date.UTC(2026, 0, 1),
};

afterAll(async () => {
  for (const subject of subjects) {
    const path = `${registryUrl}/subjects/${encodeURIComponent(subject)}`;
    await fetch(path, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${path}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
  }
});

describe('AvroSerde through Kafka and Apicurio', () => {
  const kafka = new KafkaTestContext('events-serde');
  afterAll(() => kafka.close());

  it('a separate consumer decodes what the producer wrote, using only the id in the frame', async () => {
    const topic = await kafka.createTopic('items');
    const producerSerde = new AvroSerde<ItemTransaction>({
      registry,
      schema: inventorySchemas.ItemTransaction,
    });
    subjects.push(producerSerde.subjectFor(topic));
    // What `npm run schemas:deploy` does for the real subjects.
    await registry.register(
      producerSerde.subjectFor(topic),
      JSON.stringify(inventorySchemas.ItemTransaction),
    );

    const producer = await kafka.producer();
    await producer.send({
      topic,
      messages: [{ key: tx.storeId, value: await producerSerde.encode(topic, tx) }],
    });

    // A fresh serde with a fresh registry client: nothing cached but what the frame says.
    const consumerSerde = new AvroSerde<ItemTransaction>({
      registry: createSchemaRegistryClient(registryConfigFromEnv({ SCHEMA_REGISTRY_URL: registryUrl })),
      schema: inventorySchemas.ItemTransaction,
    });
    const consumer = await kafka.consumer();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: ItemTransaction[] = [];
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        received.push(
          await consumerSerde.decode(message.value!, { topic: t, partition, offset: message.offset }),
        );
      },
    });
    expect(await waitFor('the record to be consumed', () => received[0])).toEqual(tx);
  });

  it('reports an id Apicurio does not know as UnknownSchemaIdError, not retriable', async () => {
    const serde = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
    const frame = Buffer.from([0, 0x3a, 0xde, 0x68, 0xb1, 0]);
    const error = await serde
      .decode(frame, { topic: 'items', partition: 0, offset: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownSchemaIdError);
    expect((error as UnknownSchemaIdError).retriable).toBe(false);
    expect((error as Error).message).toContain('topic items partition 0 offset 5');
  });

  it('reports an unreachable registry as retriable RegistryUnavailableError', async () => {
    const down = createSchemaRegistryClient(
      registryConfigFromEnv({ SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1', SCHEMA_REGISTRY_RETRIES: '0' }),
    );
    const serde = new AvroSerde<ItemTransaction>({
      registry: down,
      schema: inventorySchemas.ItemTransaction,
    });
    const error = await serde.decode(Buffer.from([0, 0, 0, 0, 1, 0])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as RegistryUnavailableError).retriable).toBe(true);
  });
});

describe('schema evolution through the registry', () => {
  // v1 lacks `channel`; v2 adds it with a default: BACKWARD and FORWARD compatible.
  const v1 = { ...(inventorySchemas.ItemTransaction as object) } as { fields: unknown[] } & Record<
    string,
    unknown
  >;
  const v2 = {
    ...v1,
    fields: [...v1.fields, { name: 'channel', type: 'string', default: 'store', doc: 'Sales channel.' }],
  };
  type TransactionV2 = ItemTransaction & { channel: string };
  const topic = uniqueName('evolving-items');
  const subject = `${topic}-value`;

  beforeAll(async () => {
    subjects.push(subject);
    await registry.setCompatibility(subject, 'FULL_TRANSITIVE');
    await registry.register(subject, JSON.stringify(v1));
    await registry.register(subject, JSON.stringify(v2));
  });

  it('reads data written with v1 as v2, filling the new field with its default', async () => {
    const writer = new AvroSerde<ItemTransaction>({ registry, schema: v1 as avro.Schema });
    const reader = new AvroSerde<TransactionV2>({ registry, schema: v2 as avro.Schema });
    expect(await reader.decode(await writer.encode(topic, tx))).toEqual({ ...tx, channel: 'store' });
  });

  it('reads data written with v2 as v1, dropping the field v1 does not know', async () => {
    const writer = new AvroSerde<TransactionV2>({ registry, schema: v2 as avro.Schema });
    const reader = new AvroSerde<ItemTransaction>({ registry, schema: v1 as avro.Schema });
    expect(await reader.decode(await writer.encode(topic, { ...tx, channel: 'web' }))).toEqual(tx);
  });
});
