import { KeyValue, Windowed } from '../state/stores';
import { Deduplicated } from './deduplicated';
import { Branched, Grouped, Materialized, Named, Produced } from './options';
import { TimeWindows } from './time-windows';

/** Decides whether a record passes. */
export type Predicate<K, V> = (key: K, value: V) => boolean;
/** Maps a record to something else (a new key, a new record...). */
export type KeyValueMapper<K, V, R> = (key: K, value: V) => R;
/** Maps a value; the key is passed too, read-only. */
export type ValueMapper<V, R, K = unknown> = (value: V, key: K) => R;
/** The starting value of an aggregate. */
export type Initializer<A> = () => A;
/** Folds a record into an aggregate. */
export type Aggregator<K, V, A> = (key: K, value: V, aggregate: A) => A;
/** Combines two values into one (for `reduce`). */
export type Reducer<V> = (aggregate: V, value: V) => V;
/** Joins a stream value with the matching table value (`null` when absent, in left joins). */
export type ValueJoiner<V1, V2, R> = (streamValue: V1, tableValue: V2) => R;

/** A key-value pair literal: `pair('a', 1)`. */
export function pair<K, V>(key: K, value: V): KeyValue<K, V> {
  return { key, value };
}

/**
 * An unbounded stream of records. Every operation returns a new stream and
 * adds a node to the builder's graph; nothing runs until the built topology
 * is started. Operations that may change the key (`map`, `selectKey`,
 * `flatMap`) mark the stream for repartitioning before the next grouping or join.
 *
 * @example
 * ```ts
 * const builder = new StreamsBuilder();
 * builder
 *   .stream('text', Consumed.with(Serdes.String(), Serdes.String()))
 *   .flatMapValues((line) => line.toLowerCase().split(/\W+/))
 *   .groupBy((_, word) => word, Grouped.with(Serdes.String(), Serdes.String()))
 *   .count(Materialized.as('word-counts'))
 *   .toStream()
 *   .to('word-counts', Produced.with(Serdes.String(), Serdes.Long()));
 * ```
 */
export interface KStream<K, V> {
  filter(predicate: Predicate<K, V>, named?: Named): KStream<K, V>;
  filterNot(predicate: Predicate<K, V>, named?: Named): KStream<K, V>;
  /** New key and value; marks the stream for repartitioning. */
  map<KR, VR>(mapper: KeyValueMapper<K, V, KeyValue<KR, VR>>, named?: Named): KStream<KR, VR>;
  mapValues<VR>(mapper: ValueMapper<V, VR, K>, named?: Named): KStream<K, VR>;
  /** Zero or more records per record; marks the stream for repartitioning. */
  flatMap<KR, VR>(mapper: KeyValueMapper<K, V, Iterable<KeyValue<KR, VR>>>, named?: Named): KStream<KR, VR>;
  flatMapValues<VR>(mapper: ValueMapper<V, Iterable<VR>, K>, named?: Named): KStream<K, VR>;
  /** New key; marks the stream for repartitioning. */
  selectKey<KR>(mapper: KeyValueMapper<K, V, KR>, named?: Named): KStream<KR, V>;
  /** Calls `action` for each record and passes the record on unchanged. */
  peek(action: (key: K, value: V) => void, named?: Named): KStream<K, V>;
  /** Records of both streams, interleaved in processing order. */
  merge(other: KStream<K, V>, named?: Named): KStream<K, V>;
  /** Routes each record to the first branch whose predicate it passes (KIP-418). */
  split(named?: Named): BranchedKStream<K, V>;
  /**
   * Drops a record whose id (from `idSelector`) was already seen within the
   * window of `deduplicated`, in event time; forwards the rest unchanged.
   * The ids live in a change-logged window store, so a restart or a task
   * moving to another instance never counts a duplicate twice. Duplicates
   * must share the key (and so the partition) of the original: deduplicate
   * before re-keying. Dropped duplicates count in `streams.records.dropped{reason="duplicate"}`.
   *
   * @example
   * ```ts
   * transactions.deduplicate((_, tx) => tx.id, Deduplicated.as<string>('tx-ids').withIdSerde(Serdes.String()));
   * ```
   */
  deduplicate<ID>(idSelector: KeyValueMapper<K, V, ID>, deduplicated: Deduplicated<ID>): KStream<K, V>;
  /** Writes to a topic; serdes from `produced`, else the stream's own. */
  to(topic: string, produced?: Produced<K, V>): void;
  /** Groups by the current key (repartitions first if the key may have changed). */
  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V>;
  /** Groups by a new key, always through a repartition topic `<application.id>-<name>-repartition`. */
  groupBy<KR>(selector: KeyValueMapper<K, V, KR>, grouped?: Grouped<KR, V>): KGroupedStream<KR, V>;
  /** Inner join with a table: records whose key is not in the table are dropped. */
  join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT, VR>, named?: Named): KStream<K, VR>;
  /** Left join with a table: the joiner gets `null` when the key is not in the table. */
  leftJoin<VT, VR>(
    table: KTable<K, VT>,
    joiner: ValueJoiner<V, VT | null, VR>,
    named?: Named,
  ): KStream<K, VR>;
}

/** The branches of a {@link KStream.split}. */
export interface BranchedKStream<K, V> {
  /** Adds a branch for records passing `predicate` (and no earlier branch). */
  branch(predicate: Predicate<K, V>, branched?: Branched): BranchedKStream<K, V>;
  /** Adds a branch for every record no other branch took; returns all branches by name. */
  defaultBranch(branched?: Branched): Map<string, KStream<K, V>>;
  /** Drops records no branch took; returns all branches by name. */
  noDefaultBranch(): Map<string, KStream<K, V>>;
}

/**
 * A changelog stream read as a table: the latest value per key.
 * Materialized tables can be queried and joined.
 */
export interface KTable<K, V> {
  /** The stream of updates (a deletion is a `null` value). */
  toStream(named?: Named): KStream<K, V>;
  mapValues<VR>(mapper: ValueMapper<V, VR, K>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  filter(predicate: Predicate<K, V>, materialized?: Materialized<K, V>): KTable<K, V>;
  /** Name of the store holding this table, if it is materialized. */
  readonly queryableStoreName: string | undefined;
}

/** A stream grouped by key, ready to aggregate. */
export interface KGroupedStream<K, V> {
  /** Records per key, as a table of 8-byte longs by default. */
  count(materialized?: Materialized<K, number>): KTable<K, number>;
  /** Combines the values per key; the first value is the initial aggregate. */
  reduce(reducer: Reducer<V>, materialized?: Materialized<K, V>): KTable<K, V>;
  aggregate<A>(
    initializer: Initializer<A>,
    aggregator: Aggregator<K, V, A>,
    materialized?: Materialized<K, A>,
  ): KTable<K, A>;
  /** Aggregates per key per time window. */
  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V>;
}

/**
 * A grouped stream split into time windows. Results are tables keyed by
 * {@link Windowed} keys, kept for the store's retention (default: size + grace);
 * records later than the grace period are dropped and counted.
 */
export interface TimeWindowedKStream<K, V> {
  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number>;
  reduce(reducer: Reducer<V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V>;
  aggregate<A>(
    initializer: Initializer<A>,
    aggregator: Aggregator<K, V, A>,
    materialized?: Materialized<K, A>,
  ): KTable<Windowed<K>, A>;
}
