import { ProcessorSupplier } from '../../processor/api';
import { Serde } from '../../serdes/serde';
import { KStream, KTable, Predicate, ValueMapper } from '../kstream';
import { Materialized, Named } from '../options';
import { KStreamImpl } from './kstream-impl';
import { materializeKeyValue } from './materialize';
import { TableToStreamProcessor, TableTransformProcessor } from './processors/table-processors';
import { StreamsGraph } from './streams-graph';

/** Implementation of {@link KTable}: nodes forward `Change<V>` values. */
export class KTableImpl<K, V> implements KTable<K, V> {
  constructor(
    readonly graph: StreamsGraph,
    readonly nodeName: string,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly queryableStoreName: string | undefined,
  ) {}

  toStream(named?: Named): KStream<K, V> {
    const name = named?.name ?? this.graph.newName('KTABLE-TOSTREAM');
    const supplier = () => new TableToStreamProcessor<K, V>();
    this.graph.add({
      kind: 'processor',
      name,
      parents: [this.nodeName],
      supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: [],
    });
    return new KStreamImpl<K, V>(this.graph, name, this.keySerde, this.valueSerde, false);
  }

  mapValues<VR>(mapper: ValueMapper<V, VR, K>, materialized?: Materialized<K, VR>): KTable<K, VR> {
    return this.transform<VR>('KTABLE-MAPVALUES', mapper, materialized, materialized?.valueSerde);
  }

  filter(predicate: Predicate<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const keep = (value: V, key: K) => (predicate(key, value) ? value : null);
    return this.transform<V>(
      'KTABLE-FILTER',
      keep,
      materialized,
      materialized?.valueSerde ?? this.valueSerde,
    );
  }

  private transform<VR>(
    prefix: string,
    fn: (value: V, key: K) => VR | null,
    materialized: Materialized<K, VR> | undefined,
    valueSerde: Serde<VR> | undefined,
  ): KTable<K, VR> {
    const storeName = materialized
      ? materializeKeyValue(this.graph, prefix, materialized, this.keySerde, valueSerde)
      : undefined;
    const name = this.graph.newName(prefix);
    const supplier = () => new TableTransformProcessor<K, V, VR>(fn, storeName);
    this.graph.add({
      kind: 'processor',
      name,
      parents: [this.nodeName],
      supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: storeName ? [storeName] : [],
    });
    return new KTableImpl<K, VR>(this.graph, name, this.keySerde, valueSerde, storeName);
  }
}
