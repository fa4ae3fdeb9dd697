import { AvroSerde, InMemorySchemaRegistry, inventorySchemas, type StoreInventory } from '@eda/events';
import { RetryTopology } from '@eda/kafka';
import { dashboardSettingsFromEnv } from '../config/dashboard.config';
import { AvroRecordDeserializer, UNROUTED_PATTERN } from './avro-record.deserializer';
import type { InboundRecord } from './inbound-record';
import { TopicRoutes } from './topic-routes';

describe('AvroRecordDeserializer', () => {
  const registry = new InMemorySchemaRegistry();
  const serde = new AvroSerde<StoreInventory>({
    registry,
    schema: inventorySchemas.StoreInventory,
    autoRegister: true,
  });
  const topology = RetryTopology.of('inventory-dashboard', [1000]);
  const routes = new TopicRoutes(dashboardSettingsFromEnv({}).topics, topology);
  const deserializer = new AvroRecordDeserializer(routes, {
    'store.inventory': serde,
    'item.inventory': serde,
    'store.sales.1m': serde,
  } as never);
  const raw = (topic: string, value: Buffer | null) => ({
    topic,
    partition: 0,
    offset: '7',
    timestamp: '1',
    key: Buffer.from('s1'),
    value,
    headers: {},
  });

  it('decodes a record, and maps a retry topic to its input pattern', async () => {
    const value = await serde.encode('store.inventory', { storeId: 's1', items: { A: 2 }, updatedAt: 5 });
    const packet = await deserializer.deserialize(raw('inventory-dashboard.store.inventory.retry.1', value));
    const record = packet.data as InboundRecord<StoreInventory>;
    expect(packet.pattern).toBe('store.inventory');
    expect(record.retryLevel).toBe(1);
    expect(record.decoded).toEqual({ ok: true, value: { storeId: 's1', items: { A: 2 }, updatedAt: 5 } });
  });

  it("gives the input partition alerting goes by: the record's own, or a retry record's original one", async () => {
    const value = await serde.encode('store.inventory', { storeId: 's1', items: { A: 2 }, updatedAt: 5 });
    const input = { ...raw('store.inventory', value), partition: 3 };
    expect(((await deserializer.deserialize(input)).data as InboundRecord<unknown>).inputPartition).toBe(3);
    const retried = {
      ...raw('inventory-dashboard.store.inventory.retry.1', value),
      partition: 0,
      headers: {
        'eda.original.topic': Buffer.from('store.inventory'),
        'eda.original.partition': Buffer.from('5'),
      },
    };
    expect(((await deserializer.deserialize(retried)).data as InboundRecord<unknown>).inputPartition).toBe(5);
  });

  it('never throws: bad bytes arrive as a non-retriable error with the record', async () => {
    const packet = await deserializer.deserialize(raw('store.inventory', Buffer.from('not avro')));
    const record = packet.data as InboundRecord<StoreInventory>;
    expect(record.decoded.ok).toBe(false);
    expect(record.decoded.ok ? undefined : record.decoded.error).toMatchObject({
      name: 'UnknownMagicByteError',
      retriable: false,
    });
    expect(record.value?.toString()).toBe('not avro');
  });

  it('passes tombstones as null and leaves unknown topics unrouted', async () => {
    expect(
      ((await deserializer.deserialize(raw('item.inventory', null))).data as InboundRecord<unknown>).decoded,
    ).toEqual({ ok: true, value: null });
    expect((await deserializer.deserialize(raw('elsewhere', null))).pattern).toBe(UNROUTED_PATTERN);
  });
});
