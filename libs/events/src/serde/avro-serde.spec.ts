import * as avro from 'avsc';
import {
  EventsError,
  InvalidRecordError,
  MalformedPayloadError,
  SchemaNotLoadedError,
  SchemaNotRegisteredError,
  TruncatedPayloadError,
  UnknownMagicByteError,
  UnknownSchemaIdError,
  WriterIdNotResolvedError,
} from '../errors';
import type { ItemTransaction, StoreInventory } from '../generated/inventory-records';
import { InMemorySchemaRegistry } from '../registry/in-memory-schema-registry';
import { inventorySchemas } from '../records';
import { AvroSerde } from './avro-serde';
import { recordNameStrategy } from './subject-name-strategy';

const tx: ItemTransaction = {
  id: '0b6f9a4e-2f3c-4d3e-9c1a-6f1f8b8e2a10',
  storeId: 'store-1',
  sku: 'sku-42',
  type: 'SALE',
  quantity: 3,
  unitPrice: 1999,
  currency: 'EUR',
  timestamp: 1_767_225_600_000,
};

async function registeredSerde(registry = new InMemorySchemaRegistry()) {
  await registry.register('items-value', JSON.stringify(inventorySchemas.ItemTransaction));
  return {
    registry,
    serde: new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction }),
  };
}

describe('AvroSerde', () => {
  it('frames values in the Confluent wire format and decodes them back', async () => {
    const { registry, serde } = await registeredSerde();
    const frame = await serde.encode('items', tx);
    const { id } = (await registry.lookup('items-value', JSON.stringify(inventorySchemas.ItemTransaction)))!;
    expect(frame[0]).toBe(0);
    expect(frame.readInt32BE(1)).toBe(id);
    // The body is plain Avro binary: any Avro library reads it with the schema.
    expect(avro.Type.forSchema(inventorySchemas.ItemTransaction).fromBuffer(frame.subarray(5))).toEqual(tx);
    expect(await serde.decode(frame)).toEqual(tx);
  });

  it('decodes with a fresh serde that knows nothing but the id in the frame', async () => {
    const { registry, serde } = await registeredSerde();
    const frame = await serde.encode('items', tx);
    const consumer = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
    expect(await consumer.decode(frame)).toEqual(tx);
  });

  it('decodes a batch with one schema fetch per id, reporting bad records without failing the rest', async () => {
    const { registry, serde } = await registeredSerde();
    const good = await serde.encode('items', tx);
    let fetches = 0;
    const counting = {
      ...registry,
      lookup: registry.lookup.bind(registry),
      register: registry.register.bind(registry),
      getSchemaById: (id: number) => {
        fetches += 1;
        return registry.getSchemaById(id);
      },
    } as unknown as InMemorySchemaRegistry;
    const consumer = new AvroSerde<ItemTransaction>({
      registry: counting,
      schema: inventorySchemas.ItemTransaction,
    });
    const unknownId = Buffer.from(good);
    unknownId.writeInt32BE(424242, 1);
    const badMagic = Buffer.from(good);
    badMagic[0] = 7;
    const results = await consumer.decodeBatch(
      [good, badMagic, good, unknownId, good.subarray(0, 8), good],
      [{ topic: 'items', partition: 0, offset: '10' }],
    );
    expect(results.map((r) => (r.error === undefined ? 'ok' : (r.error as Error).constructor.name))).toEqual([
      'ok',
      'UnknownMagicByteError',
      'ok',
      'UnknownSchemaIdError',
      'TruncatedPayloadError',
      'ok',
    ]);
    expect(results[0]?.value).toEqual(tx);
    // One fetch for the good id, one for the unknown one: not one per record.
    expect(fetches).toBe(2);
    expect((results[3]?.error as EventsError).retriable).toBe(false);
    // Cached now: a second batch fetches nothing.
    await consumer.decodeBatch([good, good]);
    expect(fetches).toBe(2);
  });

  it('resolves the writer schema without encoding, which readiness checks use, then encodes synchronously', async () => {
    const { registry, serde } = await registeredSerde();
    const { id } = (await registry.lookup('items-value', JSON.stringify(inventorySchemas.ItemTransaction)))!;
    expect(() => serde.encodeSync('items', tx)).toThrow(WriterIdNotResolvedError);
    expect(await serde.resolveWriterSchema('items')).toEqual({ subject: 'items-value', id });
    expect(serde.encodeSync('items', tx).readInt32BE(1)).toBe(id);
    await expect(serde.resolveWriterSchema('not-deployed')).rejects.toThrow(SchemaNotRegisteredError);
  });

  it('decodes synchronously once the writer schema is loaded, and says how to load it before', async () => {
    const { registry, serde } = await registeredSerde();
    const frame = await serde.encode('items', tx);
    const consumer = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
    expect(() => consumer.decodeSync(frame)).toThrow(SchemaNotLoadedError);
    await consumer.decode(frame);
    expect(consumer.decodeSync(frame)).toEqual(tx);
  });

  it('encodes synchronously once the writer id is resolved, and says how to resolve it before', async () => {
    const { serde } = await registeredSerde();
    expect(() => serde.encodeSync('items', tx)).toThrow(WriterIdNotResolvedError);
    const framed = await serde.encode('items', tx);
    expect(serde.encodeSync('items', tx)).toEqual(framed);
  });

  it('preloads a writer schema by id, so decodeSync reads its records from the first one', async () => {
    const { registry, serde } = await registeredSerde();
    const frame = await serde.encode('items', tx);
    const consumer = new AvroSerde<ItemTransaction>({ registry, schema: inventorySchemas.ItemTransaction });
    await consumer.preloadWriterSchema(frame.readInt32BE(1));
    expect(consumer.decodeSync(frame)).toEqual(tx);
    await expect(consumer.preloadWriterSchema(999_999)).rejects.toThrow(UnknownSchemaIdError);
  });

  it('refuses to produce a schema that is not registered, telling the user to deploy', async () => {
    const serde = new AvroSerde<ItemTransaction>({
      registry: new InMemorySchemaRegistry(),
      schema: inventorySchemas.ItemTransaction,
    });
    const error = await serde.encode('items', tx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaNotRegisteredError);
    expect((error as Error).message).toContain('items-value');
    expect((error as Error).message).toContain('npm run schemas:deploy');
    expect((error as EventsError).retriable).toBe(false);
  });

  it('registers on first use only when autoRegister is enabled', async () => {
    const registry = new InMemorySchemaRegistry();
    const serde = new AvroSerde<ItemTransaction>({
      registry,
      schema: inventorySchemas.ItemTransaction,
      autoRegister: true,
    });
    await serde.encode('items', tx);
    expect(await registry.latest('items-value')).toMatchObject({ version: 1 });
  });

  it('uses RecordNameStrategy subjects when asked', async () => {
    const registry = new InMemorySchemaRegistry();
    const serde = new AvroSerde<ItemTransaction>({
      registry,
      schema: inventorySchemas.ItemTransaction,
      subjectNameStrategy: recordNameStrategy,
      autoRegister: true,
    });
    expect(serde.subjectFor('items')).toBe('eda.inventory.ItemTransaction');
    await serde.encode('items', tx);
    expect(await registry.latest('eda.inventory.ItemTransaction')).toBeDefined();
    expect(await registry.latest('items-value')).toBeUndefined();
  });

  it('names the invalid field when a producer builds a bad value', async () => {
    const { serde } = await registeredSerde();
    const bad = { ...tx, quantity: 'three' } as unknown as ItemTransaction;
    const error = await serde.encode('items', bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect((error as Error).message).toContain('quantity');
  });

  it('names topic, partition and offset of an undecodable record', async () => {
    const { serde } = await registeredSerde();
    const error = await serde
      .decode(Buffer.from('{"json":true}'), { topic: 'items', partition: 2, offset: '17' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownMagicByteError);
    expect((error as Error).message).toContain('topic items partition 2 offset 17');
  });

  it('reports an id the registry does not know', async () => {
    const { serde } = await registeredSerde();
    const frame = Buffer.from([0, 0, 0, 0x30, 0x39, 2, 0x41]);
    await expect(serde.decode(frame, { topic: 'items' })).rejects.toThrow(UnknownSchemaIdError);
  });

  it('rejects trailing bytes after a complete record', async () => {
    const { serde } = await registeredSerde();
    const frame = Buffer.concat([await serde.encode('items', tx), Buffer.from([1, 2])]);
    await expect(serde.decode(frame)).rejects.toThrow(/2 trailing byte/);
  });
});

/** Deterministic PRNG (mulberry32) so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('AvroSerde on hostile input (seeded fuzz)', () => {
  const decodeErrors = [
    UnknownMagicByteError,
    TruncatedPayloadError,
    MalformedPayloadError,
    UnknownSchemaIdError,
  ];

  async function outcome<T>(serde: AvroSerde<T>, bytes: Buffer): Promise<unknown> {
    return serde.decode(bytes, { topic: 'fuzz', partition: 0, offset: 1 }).then(
      () => 'decoded',
      (e: unknown) => e,
    );
  }

  it('gives a typed error or a value for 5,000 random payloads, never a crash or a hang', async () => {
    const { serde } = await registeredSerde();
    const random = prng(20240601);
    for (let i = 0; i < 5000; i++) {
      const bytes = Buffer.from(
        Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)),
      );
      const result = await outcome(serde, bytes);
      if (result !== 'decoded') {
        expect(decodeErrors.some((E) => result instanceof E)).toBe(true);
      }
    }
  });

  it('gives a typed error for random bodies behind a valid header, including a map-bearing record', async () => {
    const registry = new InMemorySchemaRegistry();
    const { serde } = await registeredSerde(registry);
    const storesId = await registry.register(
      'store.inventory-value',
      JSON.stringify(inventorySchemas.StoreInventory),
    );
    const itemsId = (await registry.latest('items-value'))!.id;
    const stores = new AvroSerde<StoreInventory>({ registry, schema: inventorySchemas.StoreInventory });
    const random = prng(7);
    let decoded = 0;
    for (let i = 0; i < 3000; i++) {
      const body = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 48) }, () => Math.floor(random() * 256)),
      );
      for (const [target, id] of [
        [serde, itemsId],
        [stores, storesId],
      ] as Array<[AvroSerde<unknown>, number]>) {
        const result = await outcome(target, Buffer.concat([Buffer.from([0, 0, 0, 0, id]), body]));
        if (result === 'decoded') {
          decoded++;
        } else {
          expect([TruncatedPayloadError, MalformedPayloadError].some((E) => result instanceof E)).toBe(true);
          expect((result as EventsError).retriable).toBe(false);
        }
      }
    }
    // Random bytes almost never form a valid record; if they often did, the checks above would be idle.
    expect(decoded).toBeLessThan(600);
  });

  it('fails fast on a map that claims billions of entries, instead of spinning', async () => {
    const registry = new InMemorySchemaRegistry();
    const id = await registry.register(
      'store.inventory-value',
      JSON.stringify(inventorySchemas.StoreInventory),
    );
    const stores = new AvroSerde<StoreInventory>({ registry, schema: inventorySchemas.StoreInventory });
    // storeId "" then a block count of 2^34 (zig-zag varint) and nothing else.
    const frame = Buffer.from([0, 0, 0, 0, id, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    const started = Date.now();
    await expect(stores.decode(frame)).rejects.toThrow(TruncatedPayloadError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports every truncation of a valid frame as truncated, naming the record', async () => {
    const { serde } = await registeredSerde();
    const frame = await serde.encode('items', tx);
    for (let length = 0; length < frame.length; length++) {
      const result = await outcome(serde, frame.subarray(0, length));
      expect(result).toBeInstanceOf(TruncatedPayloadError);
      expect((result as Error).message).toContain('topic fuzz partition 0 offset 1');
    }
  });

  it('reports every non-zero magic byte as unknown', async () => {
    const { serde } = await registeredSerde();
    const frame = await serde.encode('items', tx);
    for (let magic = 1; magic < 256; magic++) {
      const copy = Buffer.from(frame);
      copy[0] = magic;
      const result = await outcome(serde, copy);
      expect(result).toBeInstanceOf(UnknownMagicByteError);
      expect((result as UnknownMagicByteError).magicByte).toBe(magic);
    }
  });
});
