import { TopologyError } from '../../errors';
import { Serde } from '../../serdes/serde';
import { StoreBuilder, Stores } from '../../state/store-builders';
import { KeyValueStore, WindowStore } from '../../state/stores';
import { Materialized } from '../options';
import { TimeWindows } from '../time-windows';
import { StreamsGraph } from './streams-graph';

function serdesOf<K, V>(
  what: string,
  materialized: Materialized<K, V> | undefined,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
): { keySerde: Serde<K>; valueSerde: Serde<V> } {
  const k = materialized?.keySerde ?? keySerde;
  const v = materialized?.valueSerde ?? valueSerde;
  if (!k || !v) {
    throw new TopologyError(
      `${what} needs a ${!k ? 'key' : 'value'} serde: pass one with Materialized.with(...) or .with${!k ? 'Key' : 'Value'}Serde(...).`,
    );
  }
  return { keySerde: k, valueSerde: v };
}

function applyOptions<S>(
  builder: StoreBuilder<S>,
  materialized: Materialized<unknown, unknown> | undefined,
): StoreBuilder<S> {
  let b = builder;
  if (materialized && !materialized.cachingEnabled) b = b.withCachingDisabled();
  if (materialized && !materialized.loggingEnabled) b = b.withLoggingDisabled();
  if (materialized?.loggingEnabled) b = b.withLoggingEnabled(materialized.changelogConfig);
  return b;
}

/** Registers a key-value store for a materialization and returns its name. */
export function materializeKeyValue<K, V>(
  graph: StreamsGraph,
  prefix: string,
  materialized: Materialized<K, V> | undefined,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
): string {
  const name = materialized?.storeName ?? graph.newStoreName(prefix);
  const serdes = serdesOf(`Store '${name}'`, materialized, keySerde, valueSerde);
  const supplier =
    materialized?.storeType === 'persistent'
      ? Stores.persistentKeyValueStore(name)
      : Stores.inMemoryKeyValueStore(name);
  const builder: StoreBuilder<KeyValueStore<K, V>> = Stores.keyValueStoreBuilder(
    supplier,
    serdes.keySerde,
    serdes.valueSerde,
  );
  graph.addStore(
    applyOptions(
      builder,
      materialized as Materialized<unknown, unknown> | undefined,
    ) as StoreBuilder<unknown>,
  );
  return name;
}

/** Registers a window store; retention defaults to size + grace, as in Kafka Streams. */
export function materializeWindow<K, V>(
  graph: StreamsGraph,
  windows: TimeWindows,
  materialized: Materialized<K, V> | undefined,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
): string {
  const name = materialized?.storeName ?? graph.newStoreName('KSTREAM-AGGREGATE');
  const serdes = serdesOf(`Store '${name}'`, materialized, keySerde, valueSerde);
  const retention = materialized?.retentionMs ?? windows.sizeMs + windows.graceMs;
  if (retention < windows.sizeMs + windows.graceMs) {
    throw new TopologyError(
      `Store '${name}': retention ${retention} ms must be at least window size + grace (${windows.sizeMs + windows.graceMs} ms).`,
    );
  }
  const supplier =
    materialized?.storeType === 'persistent'
      ? Stores.persistentWindowStore(name, retention, windows.sizeMs)
      : Stores.inMemoryWindowStore(name, retention, windows.sizeMs);
  const builder: StoreBuilder<WindowStore<K, V>> = Stores.windowStoreBuilder(
    supplier,
    serdes.keySerde,
    serdes.valueSerde,
  );
  graph.addStore(
    applyOptions(
      builder,
      materialized as Materialized<unknown, unknown> | undefined,
    ) as StoreBuilder<unknown>,
  );
  return name;
}
