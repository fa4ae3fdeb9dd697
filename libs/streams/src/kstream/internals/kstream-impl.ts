import { TopologyError } from '../../errors';
import { ProcessorSupplier } from '../../processor/api';
import { Serde, Serdes } from '../../serdes/serde';
import { StoreBuilder, Stores } from '../../state/store-builders';
import { KeyValue } from '../../state/stores';
import {
  BranchedKStream,
  KeyValueMapper,
  KGroupedStream,
  KStream,
  KTable,
  Predicate,
  ValueJoiner,
  ValueMapper,
} from '../kstream';
import { Deduplicated } from '../deduplicated';
import { Branched, Grouped, Named, Produced } from '../options';
import { KGroupedStreamImpl } from './kgrouped-stream-impl';
import { DeduplicateProcessor } from './processors/deduplicate-processor';
import {
  branchProcessor,
  filterProcessor,
  flatMapProcessor,
  flatMapValuesProcessor,
  mapProcessor,
  mapValuesProcessor,
  passThroughProcessor,
  peekProcessor,
  selectKeyProcessor,
} from './processors/stateless-processors';
import { StreamTableJoinProcessor } from './processors/table-processors';
import { StreamsGraph } from './streams-graph';

/** What every DSL object knows of its place in the graph. */
export interface GraphPosition<K, V> {
  readonly graph: StreamsGraph;
  readonly nodeName: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
}

/** Implementation of {@link KStream}: each call appends a graph node. */
export class KStreamImpl<K, V> implements KStream<K, V>, GraphPosition<K, V> {
  constructor(
    readonly graph: StreamsGraph,
    readonly nodeName: string,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    /** True after an operation that may have changed the key. */
    readonly repartitionRequired: boolean,
  ) {}

  filter(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    return this.then(
      'KSTREAM-FILTER',
      named,
      filterProcessor(predicate, false),
      this.keySerde,
      this.valueSerde,
      false,
    );
  }

  filterNot(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    return this.then(
      'KSTREAM-FILTER',
      named,
      filterProcessor(predicate, true),
      this.keySerde,
      this.valueSerde,
      false,
    );
  }

  map<KR, VR>(mapper: KeyValueMapper<K, V, KeyValue<KR, VR>>, named?: Named): KStream<KR, VR> {
    return this.then<KR, VR>('KSTREAM-MAP', named, mapProcessor(mapper), undefined, undefined, true);
  }

  mapValues<VR>(mapper: ValueMapper<V, VR, K>, named?: Named): KStream<K, VR> {
    return this.then<K, VR>(
      'KSTREAM-MAPVALUES',
      named,
      mapValuesProcessor(mapper),
      this.keySerde,
      undefined,
      false,
    );
  }

  flatMap<KR, VR>(mapper: KeyValueMapper<K, V, Iterable<KeyValue<KR, VR>>>, named?: Named): KStream<KR, VR> {
    return this.then<KR, VR>('KSTREAM-FLATMAP', named, flatMapProcessor(mapper), undefined, undefined, true);
  }

  flatMapValues<VR>(mapper: ValueMapper<V, Iterable<VR>, K>, named?: Named): KStream<K, VR> {
    return this.then<K, VR>(
      'KSTREAM-FLATMAPVALUES',
      named,
      flatMapValuesProcessor(mapper),
      this.keySerde,
      undefined,
      false,
    );
  }

  selectKey<KR>(mapper: KeyValueMapper<K, V, KR>, named?: Named): KStream<KR, V> {
    return this.then<KR, V>(
      'KSTREAM-KEY-SELECT',
      named,
      selectKeyProcessor(mapper),
      undefined,
      this.valueSerde,
      true,
    );
  }

  peek(action: (key: K, value: V) => void, named?: Named): KStream<K, V> {
    return this.then('KSTREAM-PEEK', named, peekProcessor(action), this.keySerde, this.valueSerde, false);
  }

  merge(other: KStream<K, V>, named?: Named): KStream<K, V> {
    const o = other as KStreamImpl<K, V>;
    if (o.graph !== this.graph)
      throw new TopologyError('Cannot merge streams from different StreamsBuilders.');
    const name = named?.name ?? this.graph.newName('KSTREAM-MERGE');
    this.graph.add({
      kind: 'processor',
      name,
      parents: [this.nodeName, o.nodeName],
      supplier: passThroughProcessor() as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: [],
    });
    const sameKey = o.keySerde === this.keySerde ? this.keySerde : undefined;
    const sameValue = o.valueSerde === this.valueSerde ? this.valueSerde : undefined;
    return new KStreamImpl(
      this.graph,
      name,
      sameKey,
      sameValue,
      this.repartitionRequired || o.repartitionRequired,
    );
  }

  split(named?: Named): BranchedKStream<K, V> {
    const name = named?.name ?? this.graph.newName('KSTREAM-BRANCH');
    const prefix = named?.name ?? `${name}-`;
    const branches: Array<{ child: string; predicate: Predicate<K, V> }> = [];
    this.graph.add({
      kind: 'processor',
      name,
      parents: [this.nodeName],
      supplier: branchProcessor(branches) as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: [],
    });
    const result = new Map<string, KStream<K, V>>();
    const addBranch = (predicate: Predicate<K, V>, branched: Branched | undefined) => {
      const child = `${prefix}${branched?.name ?? String(branches.length + 1)}`;
      branches.push({ child, predicate });
      this.graph.add({
        kind: 'processor',
        name: child,
        parents: [name],
        supplier: passThroughProcessor() as ProcessorSupplier<unknown, unknown, unknown, unknown>,
        stores: [],
      });
      result.set(
        child,
        new KStreamImpl(this.graph, child, this.keySerde, this.valueSerde, this.repartitionRequired),
      );
    };
    const api: BranchedKStream<K, V> = {
      branch: (predicate, branched) => {
        addBranch(predicate, branched);
        return api;
      },
      defaultBranch: (branched) => {
        addBranch(() => true, branched ?? Branched.as('0'));
        return result;
      },
      noDefaultBranch: () => result,
    };
    return api;
  }

  deduplicate<ID>(idSelector: KeyValueMapper<K, V, ID>, deduplicated: Deduplicated<ID>): KStream<K, V> {
    const { storeName, idSerde, windowMs } = deduplicated;
    if (!idSerde) {
      throw new TopologyError(
        `deduplicate('${storeName}') needs an id serde: pass Deduplicated.as(...).withIdSerde(...).`,
      );
    }
    // Ids are filed in buckets of one window; two buckets of retention keep every neighbour a lookup needs.
    const supplier = Stores.inMemoryWindowStore(storeName, 2 * windowMs, windowMs);
    this.graph.addStore(
      Stores.windowStoreBuilder(supplier, idSerde, Serdes.Long())
        .withCachingDisabled()
        .withLoggingLast() as StoreBuilder<unknown>,
    );
    const name = this.graph.newName('KSTREAM-DEDUPLICATE');
    const processor = () => new DeduplicateProcessor<K, V, ID>(storeName, idSelector, windowMs);
    this.graph.add({
      kind: 'processor',
      name,
      parents: [this.nodeName],
      supplier: processor as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: [storeName],
    });
    return new KStreamImpl(this.graph, name, this.keySerde, this.valueSerde, this.repartitionRequired);
  }

  to(topic: string, produced?: Produced<K, V>): void {
    const keySerde = produced?.keySerde ?? this.keySerde;
    const valueSerde = produced?.valueSerde ?? this.valueSerde;
    if (!keySerde || !valueSerde) {
      throw new TopologyError(
        `to('${topic}') needs serdes: the stream's ${!keySerde ? 'key' : 'value'} type changed; pass Produced.with(...).`,
      );
    }
    const name = this.graph.newName('KSTREAM-SINK');
    this.graph.add({
      kind: 'sink',
      name,
      parents: [this.nodeName],
      topic,
      keySerde: keySerde as Serde<unknown>,
      valueSerde: valueSerde as Serde<unknown>,
    });
  }

  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    return new KGroupedStreamImpl(
      this.graph,
      this.nodeName,
      grouped?.keySerde ?? this.keySerde,
      grouped?.valueSerde ?? this.valueSerde,
      this.repartitionRequired,
      grouped?.name,
    );
  }

  groupBy<KR>(selector: KeyValueMapper<K, V, KR>, grouped?: Grouped<KR, V>): KGroupedStream<KR, V> {
    const rekeyed = this.selectKey(selector) as KStreamImpl<KR, V>;
    return new KGroupedStreamImpl(
      rekeyed.graph,
      rekeyed.nodeName,
      grouped?.keySerde,
      grouped?.valueSerde ?? this.valueSerde,
      true,
      grouped?.name,
    );
  }

  join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT, VR>, named?: Named): KStream<K, VR> {
    return this.joinTable(table, joiner as ValueJoiner<V, VT | null, VR>, false, named);
  }

  leftJoin<VT, VR>(
    table: KTable<K, VT>,
    joiner: ValueJoiner<V, VT | null, VR>,
    named?: Named,
  ): KStream<K, VR> {
    return this.joinTable(table, joiner, true, named);
  }

  /** Routes the stream through `<name>-repartition` so records are partitioned by their current key. */
  repartition(name: string): KStreamImpl<K, V> {
    if (!this.keySerde || !this.valueSerde) {
      throw new TopologyError(
        `Repartition topic '${name}-repartition' needs key and value serdes: the key or value changed type; pass Grouped.with(keySerde, valueSerde).`,
      );
    }
    const sourceName = `${name}-repartition-source`;
    this.graph.add({
      kind: 'repartition',
      topic: `${name}-repartition`,
      sinkName: `${name}-repartition-sink`,
      sourceName,
      parents: [this.nodeName],
      keySerde: this.keySerde as Serde<unknown>,
      valueSerde: this.valueSerde as Serde<unknown>,
    });
    return new KStreamImpl(this.graph, sourceName, this.keySerde, this.valueSerde, false);
  }

  private joinTable<VT, VR>(
    table: KTable<K, VT>,
    joiner: ValueJoiner<V, VT | null, VR>,
    left: boolean,
    named?: Named,
  ): KStream<K, VR> {
    const store = table.queryableStoreName;
    if (store === undefined) {
      throw new TopologyError(
        'The table of a stream-table join must be materialized: pass Materialized.as(name) when creating it.',
      );
    }
    const name = named?.name ?? this.graph.newName(left ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN');
    // The stream's key type is the table's, so the table's key serde can write the repartition topic.
    const tableKeySerde = (table as { keySerde?: Serde<K> }).keySerde;
    const keyed = new KStreamImpl<K, V>(
      this.graph,
      this.nodeName,
      this.keySerde ?? tableKeySerde,
      this.valueSerde,
      true,
    );
    const input = this.repartitionRequired ? keyed.repartition(name) : this;
    const supplier = () => new StreamTableJoinProcessor<K, V, VT, VR>(store, joiner, left);
    this.graph.add({
      kind: 'processor',
      name,
      parents: [input.nodeName],
      supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: [store],
    });
    return new KStreamImpl<K, VR>(this.graph, name, this.keySerde, undefined, false);
  }

  private then<KR, VR>(
    prefix: string,
    named: Named | undefined,
    supplier: ProcessorSupplier<never, never, KR, VR>,
    keySerde: Serde<KR> | undefined,
    valueSerde: Serde<VR> | undefined,
    keyChanging: boolean,
  ): KStreamImpl<KR, VR> {
    const name = named?.name ?? this.graph.newName(prefix);
    this.graph.add({
      kind: 'processor',
      name,
      parents: [this.nodeName],
      supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: [],
    });
    return new KStreamImpl(this.graph, name, keySerde, valueSerde, this.repartitionRequired || keyChanging);
  }
}
