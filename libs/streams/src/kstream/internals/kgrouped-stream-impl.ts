import { ProcessorSupplier } from '../../processor/api';
import { Serde, Serdes } from '../../serdes/serde';
import { Windowed } from '../../state/stores';
import { Aggregator, Initializer, KGroupedStream, KTable, Reducer, TimeWindowedKStream } from '../kstream';
import { Materialized } from '../options';
import { TimeWindows } from '../time-windows';
import { KStreamImpl } from './kstream-impl';
import { KTableImpl } from './ktable-impl';
import { materializeKeyValue, materializeWindow } from './materialize';
import { Adder, AggregateProcessor, WindowAggregateProcessor } from './processors/aggregate-processors';
import { StreamsGraph } from './streams-graph';

const countAdder =
  <K, V>(): Adder<K, V, number> =>
  (_k, _v, old) =>
    (old ?? 0) + 1;
const reduceAdder =
  <K, V>(reducer: Reducer<V>): Adder<K, V, V> =>
  (_k, v, old) =>
    old === undefined ? v : reducer(old, v);
const aggregateAdder =
  <K, V, A>(initializer: Initializer<A>, aggregator: Aggregator<K, V, A>): Adder<K, V, A> =>
  (k, v, old) =>
    aggregator(k, v, old === undefined ? initializer() : old);

/** Implementation of {@link KGroupedStream}. */
export class KGroupedStreamImpl<K, V> implements KGroupedStream<K, V> {
  constructor(
    readonly graph: StreamsGraph,
    readonly nodeName: string,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly repartitionRequired: boolean,
    readonly groupedName: string | undefined,
  ) {}

  count(materialized?: Materialized<K, number>): KTable<K, number> {
    return this.aggregateWith(countAdder<K, V>(), materialized, Serdes.Long());
  }

  reduce(reducer: Reducer<V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.aggregateWith(reduceAdder<K, V>(reducer), materialized, this.valueSerde);
  }

  aggregate<A>(
    initializer: Initializer<A>,
    aggregator: Aggregator<K, V, A>,
    materialized?: Materialized<K, A>,
  ): KTable<K, A> {
    return this.aggregateWith(aggregateAdder(initializer, aggregator), materialized, undefined);
  }

  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V> {
    return new TimeWindowedKStreamImpl(this, windows);
  }

  /**
   * The node aggregations hang off: the grouped stream itself, or a
   * repartition topic named after the grouping, else the store (Kafka Streams' naming).
   */
  input(storeName: string): string {
    if (!this.repartitionRequired) return this.nodeName;
    const stream = new KStreamImpl<K, V>(this.graph, this.nodeName, this.keySerde, this.valueSerde, true);
    return stream.repartition(this.groupedName ?? storeName).nodeName;
  }

  private aggregateWith<A>(
    adder: Adder<K, V, A>,
    materialized: Materialized<K, A> | undefined,
    defaultValueSerde: Serde<A> | undefined,
  ): KTable<K, A> {
    const storeName = materializeKeyValue(
      this.graph,
      'KSTREAM-AGGREGATE',
      materialized,
      this.keySerde,
      defaultValueSerde,
    );
    const parent = this.input(storeName);
    const name = this.graph.newName('KSTREAM-AGGREGATE');
    const supplier = () => new AggregateProcessor<K, V, A>(storeName, adder);
    this.graph.add({
      kind: 'processor',
      name,
      parents: [parent],
      supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: [storeName],
    });
    return new KTableImpl<K, A>(
      this.graph,
      name,
      materialized?.keySerde ?? this.keySerde,
      materialized?.valueSerde ?? defaultValueSerde,
      storeName,
    );
  }
}

/** Implementation of {@link TimeWindowedKStream}. */
class TimeWindowedKStreamImpl<K, V> implements TimeWindowedKStream<K, V> {
  constructor(
    private readonly grouped: KGroupedStreamImpl<K, V>,
    private readonly windows: TimeWindows,
  ) {}

  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    return this.aggregateWith(countAdder<K, V>(), materialized, Serdes.Long());
  }

  reduce(reducer: Reducer<V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    return this.aggregateWith(reduceAdder<K, V>(reducer), materialized, this.grouped.valueSerde);
  }

  aggregate<A>(
    initializer: Initializer<A>,
    aggregator: Aggregator<K, V, A>,
    materialized?: Materialized<K, A>,
  ): KTable<Windowed<K>, A> {
    return this.aggregateWith(aggregateAdder(initializer, aggregator), materialized, undefined);
  }

  private aggregateWith<A>(
    adder: Adder<K, V, A>,
    materialized: Materialized<K, A> | undefined,
    defaultValueSerde: Serde<A> | undefined,
  ): KTable<Windowed<K>, A> {
    const { graph } = this.grouped;
    const storeName = materializeWindow(
      graph,
      this.windows,
      materialized,
      this.grouped.keySerde,
      defaultValueSerde,
    );
    const parent = this.grouped.input(storeName);
    const name = graph.newName('KSTREAM-AGGREGATE');
    const supplier = () => new WindowAggregateProcessor<K, V, A>(storeName, this.windows, adder);
    graph.add({
      kind: 'processor',
      name,
      parents: [parent],
      supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: [storeName],
    });
    // Windowed keys need a windowed serde to be written out; see WindowedSerdes.
    return new KTableImpl<Windowed<K>, A>(
      graph,
      name,
      undefined,
      materialized?.valueSerde ?? defaultValueSerde,
      storeName,
    );
  }
}
