/**
 * The caching layer holds the objects the metered layer writes and serializes
 * each dirty key once per flush: what reaches the changelog, the inner store
 * and the flush listener must be what byte caching gave, with fewer serde
 * calls.
 */
import { Serde, Serdes } from '../../serdes/serde';
import { StreamsMetrics } from '../../telemetry/metrics';
import { OutgoingRecord } from '../../processor/internals/record-collector';
import { Stores } from '../store-builders';
import { StoreContext } from './bytes-stores';
import { MeteredKeyValueStore, MeteredWindowStore, TypedFlushedEntry } from './metered-stores';

interface Totals {
  count: number;
}

/** JSON with call counts, to see how often the layers serialize and deserialize. */
function countingSerde(): Serde<Totals> & { serialized: number; deserialized: number } {
  const json = Serdes.Json<Totals>();
  const serde = {
    serialized: 0,
    deserialized: 0,
    serialize: (data: Totals, topic: string) => {
      serde.serialized++;
      return json.serialize(data, topic);
    },
    deserialize: (data: Buffer, topic: string) => {
      serde.deserialized++;
      return json.deserialize(data, topic);
    },
  };
  return serde;
}

function context(sent: OutgoingRecord[]): StoreContext {
  return {
    applicationId: 'app',
    taskId: '0_0',
    partition: 0,
    changelogTopic: 'app-totals-changelog',
    collector: { send: (r) => void sent.push(r) },
    taskStateDir: undefined,
    metrics: new StreamsMetrics('app'),
    currentTimestamp: () => 1_000,
  };
}

/** A caching, logged key-value store of JSON totals, initialised; `sent` collects its changelog records. */
function jsonTotalsStore() {
  const store = Stores.keyValueStoreBuilder(
    Stores.inMemoryKeyValueStore('totals'),
    Serdes.String(),
    Serdes.Json<Totals>(),
  ).build();
  const sent: OutgoingRecord[] = [];
  store.init(context(sent));
  return { store, sent };
}

const decoded = (records: OutgoingRecord[]) =>
  records.map((r) => [
    r.key?.toString('utf8'),
    r.value === null ? null : JSON.parse(r.value.toString('utf8')),
  ]);

describe('key-value store with caching', () => {
  it('serializes a key updated 1,000 times once per flush, and reads it back without deserializing', () => {
    const serde = countingSerde();
    const sent: OutgoingRecord[] = [];
    const store = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore('totals'),
      Serdes.String(),
      serde,
    ).build() as MeteredKeyValueStore<string, Totals>;
    store.init(context(sent));
    const flushed: Array<TypedFlushedEntry<string, Totals>> = [];
    expect(store.setFlushListener((e) => flushed.push(e))).toBe(true);

    for (let i = 0; i < 1_000; i++) {
      const old = store.get('sku-1');
      store.put('sku-1', { count: (old?.count ?? 0) + 1 });
    }
    expect(serde.serialized).toBe(0);
    expect(serde.deserialized).toBe(0);
    expect(sent).toHaveLength(0);

    store.flush();
    expect(serde.serialized).toBe(1);
    expect(decoded(sent)).toEqual([['sku-1', { count: 1_000 }]]);
    expect(flushed).toEqual([{ key: 'sku-1', newValue: { count: 1_000 }, oldValue: null, timestamp: 1_000 }]);

    // After the flush the value lives as bytes below the cache: read back by deserializing.
    expect(store.get('sku-1')).toEqual({ count: 1_000 });
    expect(serde.deserialized).toBe(1);
    store.put('sku-1', { count: 1_001 });
    store.flush();
    expect(flushed[1]).toEqual({
      key: 'sku-1',
      newValue: { count: 1_001 },
      oldValue: { count: 1_000 },
      timestamp: 1_000,
    });
    expect(decoded(sent)).toEqual([
      ['sku-1', { count: 1_000 }],
      ['sku-1', { count: 1_001 }],
    ]);
  });

  it('shows held values, deletes included, to range and all (the query path)', () => {
    const { store, sent } = jsonTotalsStore();
    store.put('a', { count: 1 });
    store.put('b', { count: 2 });
    store.flush();
    store.put('b', null);
    store.put('c', { count: 3 });
    expect(store.get('b')).toBeUndefined();
    expect(store.all()).toEqual([
      { key: 'a', value: { count: 1 } },
      { key: 'c', value: { count: 3 } },
    ]);
    store.flush();
    expect(decoded(sent)).toEqual([
      ['a', { count: 1 }],
      ['b', { count: 2 }],
      ['b', null],
      ['c', { count: 3 }],
    ]);
  });

  it('keeps non-ASCII string keys byte-exact', () => {
    const { store, sent } = jsonTotalsStore();
    store.put('café', { count: 1 });
    store.put('cafe', { count: 2 });
    store.flush();
    expect(store.get('café')).toEqual({ count: 1 });
    expect(sent.map((r) => r.key)).toEqual([Buffer.from('café', 'utf8'), Buffer.from('cafe', 'utf8')]);
  });

  it('without caching serializes on every put, as before', () => {
    const serde = countingSerde();
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('totals'), Serdes.String(), serde)
      .withCachingDisabled()
      .build();
    const sent: OutgoingRecord[] = [];
    store.init(context(sent));
    for (let i = 0; i < 10; i++) store.put('k', { count: i });
    expect(serde.serialized).toBe(10);
    expect(sent).toHaveLength(10);
  });
});

describe('window store with caching', () => {
  it('serializes each dirty window once per flush and forwards the held object', () => {
    const serde = countingSerde();
    const store = Stores.windowStoreBuilder(
      Stores.inMemoryWindowStore('sales', 3_600_000, 60_000),
      Serdes.String(),
      serde,
    ).build() as MeteredWindowStore<string, Totals>;
    const sent: OutgoingRecord[] = [];
    store.init(context(sent));
    const flushed: Array<TypedFlushedEntry<string, Totals>> = [];
    store.setFlushListener((e) => flushed.push(e));
    for (let i = 0; i < 500; i++) {
      for (const start of [0, 60_000]) {
        const old = store.fetch('s1', start);
        store.put('s1', { count: (old?.count ?? 0) + 1 }, start);
      }
    }
    expect(store.fetchRange('s1', 0, 60_000)).toEqual([
      { windowStart: 0, value: { count: 500 } },
      { windowStart: 60_000, value: { count: 500 } },
    ]);
    expect(serde.serialized).toBe(2); // fetchRange reads bytes: each held window serialized once, memoized
    store.flush();
    expect(serde.serialized).toBe(2);
    expect(flushed.map((e) => [e.key, e.windowStart, e.newValue, e.oldValue])).toEqual([
      ['s1', 0, { count: 500 }, null],
      ['s1', 60_000, { count: 500 }, null],
    ]);
    expect(sent).toHaveLength(2);
    expect(store.fetch('s1', 60_000)).toEqual({ count: 500 });
  });
});
