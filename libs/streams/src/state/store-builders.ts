import { Serde } from '../serdes/serde';
import { BytesKeyValueStore, BytesWindowStore } from './internals/bytes-stores';
import { CachingKeyValueStore, CachingWindowStore } from './internals/caching-stores';
import { ChangeLoggingKeyValueStore, ChangeLoggingWindowStore } from './internals/change-logging-stores';
import { FileKeyValueStore } from './internals/file-key-value-store';
import { FileWindowStore } from './internals/file-window-store';
import { InMemoryKeyValueStore } from './internals/in-memory-key-value-store';
import { InMemoryWindowStore } from './internals/in-memory-window-store';
import { MeteredKeyValueStore, MeteredWindowStore, TaskStore } from './internals/metered-stores';
import { KeyValueStore, WindowStore } from './stores';

/** Entries a store's cache holds before it writes the oldest down early. */
export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;

/**
 * Kafka Streams keeps windowed changelog records a day past the store's
 * retention (`windowstore.changelog.additional.retention.ms`), so a restore
 * never misses a window that is still live.
 */
const WINDOW_CHANGELOG_EXTRA_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Creates the innermost key-value layer. */
export interface KeyValueBytesStoreSupplier {
  readonly name: string;
  readonly persistent: boolean;
  get(): BytesKeyValueStore;
}

/** Creates the innermost window layer. */
export interface WindowBytesStoreSupplier {
  readonly name: string;
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  get(): BytesWindowStore;
}

interface BuilderOptions {
  readonly caching: boolean;
  readonly logging: boolean;
  readonly changelogConfig: Readonly<Record<string, string>>;
  /** Under at-least-once, send this store's changelog records after every other record of a flush. */
  readonly loggedLast?: boolean;
}

/**
 * Describes a store and builds one instance per task, layered
 * metered -> caching -> change-logging -> inner. Immutable: every `with*`
 * returns a new builder.
 */
export class StoreBuilder<S> {
  /** @internal */
  constructor(
    readonly name: string,
    private readonly options: BuilderOptions,
    private readonly factory: (options: BuilderOptions) => S & TaskStore,
  ) {}

  /** True when changes are written to `<application.id>-<name>-changelog`. */
  get loggingEnabled(): boolean {
    return this.options.logging;
  }
  get cachingEnabled(): boolean {
    return this.options.caching;
  }
  /** True when the changelog is written after the other output of each flush (see {@link withLoggingLast}). */
  get loggedLast(): boolean {
    return this.options.loggedLast ?? false;
  }
  /** Topic configs the changelog is created with (and verified against). */
  get changelogConfig(): Readonly<Record<string, string>> {
    return this.options.changelogConfig;
  }

  withCachingEnabled(): StoreBuilder<S> {
    return new StoreBuilder(this.name, { ...this.options, caching: true }, this.factory);
  }
  withCachingDisabled(): StoreBuilder<S> {
    return new StoreBuilder(this.name, { ...this.options, caching: false }, this.factory);
  }
  /** Keeps the changelog, adding or overriding topic configs. */
  withLoggingEnabled(config: Record<string, string> = {}): StoreBuilder<S> {
    const changelogConfig = { ...this.options.changelogConfig, ...config };
    return new StoreBuilder(this.name, { ...this.options, logging: true, changelogConfig }, this.factory);
  }
  /**
   * Under at-least-once, sends this store's changelog records only after every
   * other record buffered with them (outputs, other changelogs, repartition
   * records) was acknowledged. For a store that guards the others, such as
   * deduplication's ids: if a broker dies mid-send, the guard may forget an id
   * whose effects were written (the id is counted again: a duplicate, allowed),
   * but never remember one whose effects were lost (a loss). Exactly-once
   * writes everything in one transaction and needs no order.
   */
  withLoggingLast(): StoreBuilder<S> {
    return new StoreBuilder(this.name, { ...this.options, loggedLast: true }, this.factory);
  }
  /** No changelog: the store is lost when its task moves. */
  withLoggingDisabled(): StoreBuilder<S> {
    return new StoreBuilder(this.name, { ...this.options, logging: false }, this.factory);
  }

  /** A fresh, uninitialised store for one task. */
  build(): S & TaskStore {
    return this.factory(this.options);
  }
}

/**
 * Factories for store suppliers and builders (Kafka Streams' `Stores`).
 *
 * @example
 * ```ts
 * topology.addStateStore(
 *   Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.String(), Serdes.Long()),
 *   'counter',
 * );
 * ```
 */
export const Stores = {
  /** A key-value store held in memory, rebuilt from its changelog when its task starts. */
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return { name, persistent: false, get: () => new InMemoryKeyValueStore(name) };
  },

  /**
   * A key-value store held in memory and snapshotted to `state.dir` on clean
   * close, with a changelog-offset checkpoint, so a clean restart restores only
   * the changelog tail written since (none, usually). A crash, or a missing or
   * corrupt checkpoint or snapshot, means a full restore, never wrong state.
   */
  persistentKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return { name, persistent: true, get: () => new FileKeyValueStore(name) };
  },

  /** An in-memory window store retaining windows for `retentionMs` of stream time. */
  inMemoryWindowStore(name: string, retentionMs: number, windowSizeMs: number): WindowBytesStoreSupplier {
    return {
      name,
      retentionMs,
      windowSizeMs,
      get: () => new InMemoryWindowStore(name, retentionMs, windowSizeMs),
    };
  },

  /** A persistent window store: the in-memory one plus a snapshot and checkpoint in `state.dir`. */
  persistentWindowStore(name: string, retentionMs: number, windowSizeMs: number): WindowBytesStoreSupplier {
    return {
      name,
      retentionMs,
      windowSizeMs,
      get: () => new FileWindowStore(name, retentionMs, windowSizeMs),
    };
  },

  /** Builds typed key-value stores from a supplier; caching and logging on by default. */
  keyValueStoreBuilder<K, V>(
    supplier: KeyValueBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): StoreBuilder<KeyValueStore<K, V>> {
    const defaults = { caching: true, logging: true, changelogConfig: { 'cleanup.policy': 'compact' } };
    return new StoreBuilder(supplier.name, defaults, (options) => {
      let store: BytesKeyValueStore = supplier.get();
      if (options.logging) store = new ChangeLoggingKeyValueStore(store);
      if (options.caching) store = new CachingKeyValueStore(store, DEFAULT_CACHE_MAX_ENTRIES);
      return new MeteredKeyValueStore(store, keySerde, valueSerde);
    });
  },

  /** Builds typed window stores from a supplier; caching and logging on by default. */
  windowStoreBuilder<K, V>(
    supplier: WindowBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): StoreBuilder<WindowStore<K, V>> {
    const changelogConfig = {
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(supplier.retentionMs + WINDOW_CHANGELOG_EXTRA_RETENTION_MS),
    };
    return new StoreBuilder(supplier.name, { caching: true, logging: true, changelogConfig }, (options) => {
      let store: BytesWindowStore = supplier.get();
      if (options.logging) store = new ChangeLoggingWindowStore(store);
      if (options.caching) store = new CachingWindowStore(store, DEFAULT_CACHE_MAX_ENTRIES);
      return new MeteredWindowStore(store, keySerde, valueSerde);
    });
  },
};
