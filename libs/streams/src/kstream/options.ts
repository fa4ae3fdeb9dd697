import { TimestampExtractor } from '../processor/api';
import { Serde } from '../serdes/serde';

/**
 * How a topic is read: key and value serdes, and optionally a timestamp extractor.
 *
 * @example
 * ```ts
 * builder.stream('words', Consumed.with(Serdes.String(), Serdes.String()));
 * ```
 */
export class Consumed<K, V> {
  private constructor(
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
    readonly timestampExtractor?: TimestampExtractor,
  ) {}

  /** Reads with these serdes. */
  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Consumed<K, V> {
    return new Consumed(keySerde, valueSerde);
  }

  /** Takes event time from `extractor` instead of the Kafka record timestamp. */
  withTimestampExtractor(extractor: TimestampExtractor): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, extractor);
  }
}

/**
 * How a stream is written: key and value serdes.
 *
 * @example
 * ```ts
 * counts.toStream().to('word-counts', Produced.with(Serdes.String(), Serdes.Long()));
 * ```
 */
export class Produced<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
  ) {}

  /** Writes with these serdes. */
  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Produced<K, V> {
    return new Produced(keySerde, valueSerde);
  }
}

/**
 * How a stream is grouped: the serdes of the (possibly new) key and of the
 * value, used for the repartition topic, and a name for that topic
 * (`<application.id>-<name>-repartition`).
 *
 * @example
 * ```ts
 * words.groupBy((_, word) => word, Grouped.with(Serdes.String(), Serdes.String()).withName('by-word'));
 * ```
 */
export class Grouped<K, V> {
  private constructor(
    readonly name: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
  ) {}

  /** Groups with these serdes. */
  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Grouped<K, V> {
    return new Grouped(undefined, keySerde, valueSerde);
  }

  /** Names the grouping (and so the repartition topic); serdes are inherited from the stream. */
  static as<K, V>(name: string): Grouped<K, V> {
    return new Grouped<K, V>(name, undefined, undefined);
  }

  /** Names the grouping (and so the repartition topic). */
  withName(name: string): Grouped<K, V> {
    return new Grouped(name, this.keySerde, this.valueSerde);
  }
}

/** Which inner store a materialization uses. */
export type StoreType = 'in-memory' | 'persistent';

/**
 * How a table or aggregate is stored: store name (queryable, and the
 * changelog name `<application.id>-<store>-changelog`), serdes, retention for
 * windowed stores, caching and logging.
 *
 * @example
 * ```ts
 * grouped.aggregate(() => 0, (_k, v, sum) => sum + v,
 *   Materialized.as<string, number>('sums').withValueSerde(Serdes.Long()));
 * ```
 */
export class Materialized<K, V> {
  private constructor(
    readonly storeName: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly retentionMs: number | undefined,
    readonly cachingEnabled: boolean,
    readonly loggingEnabled: boolean,
    readonly changelogConfig: Readonly<Record<string, string>>,
    readonly storeType: StoreType,
  ) {}

  /** Materializes into a store with this name. */
  static as<K, V>(storeName: string): Materialized<K, V> {
    return new Materialized<K, V>(storeName, undefined, undefined, undefined, true, true, {}, 'in-memory');
  }

  /** Materializes with these serdes, into a store with a generated name. */
  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Materialized<K, V> {
    return new Materialized(undefined, keySerde, valueSerde, undefined, true, true, {}, 'in-memory');
  }

  withKeySerde(keySerde: Serde<K>): Materialized<K, V> {
    return this.copy({ keySerde });
  }
  withValueSerde(valueSerde: Serde<V>): Materialized<K, V> {
    return this.copy({ valueSerde });
  }
  /** How long windows are kept (windowed stores); at least window size + grace. */
  withRetention(retentionMs: number): Materialized<K, V> {
    return this.copy({ retentionMs });
  }
  withCachingEnabled(): Materialized<K, V> {
    return this.copy({ cachingEnabled: true });
  }
  /** Every update goes downstream and to the changelog immediately. */
  withCachingDisabled(): Materialized<K, V> {
    return this.copy({ cachingEnabled: false });
  }
  withLoggingEnabled(config: Record<string, string> = {}): Materialized<K, V> {
    return this.copy({ loggingEnabled: true, changelogConfig: config });
  }
  /** No changelog: state is lost when a task moves. */
  withLoggingDisabled(): Materialized<K, V> {
    return this.copy({ loggingEnabled: false });
  }
  /** `persistent` keeps the store in `state.dir` so a restart restores only the changelog tail. */
  withStoreType(storeType: StoreType): Materialized<K, V> {
    return this.copy({ storeType });
  }

  private copy(change: Partial<Omit<Materialized<K, V>, 'storeName'>>): Materialized<K, V> {
    const next = { ...this, ...change };
    return new Materialized(
      this.storeName,
      next.keySerde,
      next.valueSerde,
      next.retentionMs,
      next.cachingEnabled,
      next.loggingEnabled,
      next.changelogConfig,
      next.storeType,
    );
  }
}

/**
 * Names one branch of {@link KStream.split}.
 *
 * @example
 * ```ts
 * const branches = stream.split(Named.as('size-'))
 *   .branch((_, v) => v > 100, Branched.as('large'))
 *   .defaultBranch(Branched.as('small'));
 * branches.get('size-large')?.to('large-orders');
 * ```
 */
export class Branched {
  private constructor(readonly name: string | undefined) {}
  /** The branch is `<split name><name>` in the returned map. */
  static as(name: string): Branched {
    return new Branched(name);
  }
}

/** Names a DSL operation's processor node (and, for `split`, prefixes branch names). */
export class Named {
  private constructor(readonly name: string) {}
  static as(name: string): Named {
    return new Named(name);
  }
}
