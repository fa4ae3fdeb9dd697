import { ProcessorSupplier } from '../processor/api';
import { Topology } from '../processor/topology';
import { KStreamImpl } from './internals/kstream-impl';
import { KTableImpl } from './internals/ktable-impl';
import { materializeKeyValue } from './internals/materialize';
import { TableSourceProcessor } from './internals/processors/table-processors';
import { StreamsGraph } from './internals/streams-graph';
import { KStream, KTable } from './kstream';
import { Consumed, Materialized } from './options';

/**
 * Entry point of the DSL. Describe the processing with `stream` and `table`,
 * then call {@link StreamsBuilder.build} for the {@link Topology} to run.
 *
 * @example
 * ```ts
 * const builder = new StreamsBuilder();
 * const stock = builder.table('items', Consumed.with(Serdes.String(), Serdes.Json<Item>()), Materialized.as('items'));
 * builder
 *   .stream('sales', Consumed.with(Serdes.String(), Serdes.Json<Sale>()))
 *   .leftJoin(stock, (sale, item) => ({ ...sale, price: item?.price ?? 0 }))
 *   .to('priced-sales', Produced.with(Serdes.String(), Serdes.Json<PricedSale>()));
 * const topology = builder.build();
 * console.log(topology.describe());
 * ```
 */
export class StreamsBuilder {
  private readonly graph = new StreamsGraph();

  /** A stream of the records in `topics`. */
  stream<K, V>(topics: string | string[], consumed: Consumed<K, V>): KStream<K, V> {
    const name = this.graph.newName('KSTREAM-SOURCE');
    const list = Array.isArray(topics) ? topics : [topics];
    this.graph.add({ kind: 'source', name, topics: list, consumed: consumed as Consumed<unknown, unknown> });
    return new KStreamImpl(this.graph, name, consumed.keySerde, consumed.valueSerde, false);
  }

  /**
   * A table of the latest value per key in `topic`, materialized in a store
   * (named by `materialized`, else generated) that joins and interactive
   * queries can read. Serdes come from `consumed`, else from `materialized`.
   */
  table<K, V>(
    topic: string,
    consumed: Consumed<K, V> | Materialized<K, V>,
    materialized?: Materialized<K, V>,
  ): KTable<K, V> {
    const mat = consumed instanceof Materialized ? consumed : materialized;
    const keySerde = consumed instanceof Consumed ? consumed.keySerde : mat?.keySerde;
    const valueSerde = consumed instanceof Consumed ? consumed.valueSerde : mat?.valueSerde;
    const storeName = materializeKeyValue(this.graph, 'KSTREAM-SOURCE', mat, keySerde, valueSerde);
    const source = this.graph.newName('KSTREAM-SOURCE');
    this.graph.add({
      kind: 'source',
      name: source,
      topics: [topic],
      consumed: (consumed instanceof Consumed
        ? consumed
        : Consumed.with(keySerde as never, valueSerde as never)) as Consumed<unknown, unknown>,
    });
    const name = this.graph.newName('KTABLE-SOURCE');
    const supplier = () => new TableSourceProcessor<K, V>(storeName);
    this.graph.add({
      kind: 'processor',
      name,
      parents: [source],
      supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: [storeName],
    });
    return new KTableImpl<K, V>(this.graph, name, keySerde, valueSerde, storeName);
  }

  /** Compiles everything described so far into a topology. */
  build(): Topology {
    return this.graph.compile();
  }
}
