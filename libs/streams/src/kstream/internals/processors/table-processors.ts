import { Processor, ProcessorContext, StreamRecord } from '../../../processor/api';
import { MeteredKeyValueStore } from '../../../state/internals/metered-stores';
import { Change } from './change';

/**
 * Materializes a topic as a table (Kafka Streams' `KTableSource`): each record
 * upserts its key (a null value deletes it) and the change goes downstream,
 * deduplicated per commit when the store caches.
 */
export class TableSourceProcessor<K, V> implements Processor<K, V | null, K, Change<V>> {
  private context!: ProcessorContext<K, Change<V>>;
  private store!: MeteredKeyValueStore<K, V>;
  private caching = false;

  constructor(private readonly storeName: string) {}

  init(context: ProcessorContext<K, Change<V>>): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
    this.caching = this.store.setFlushListener((e) =>
      context.forward({
        key: e.key,
        value: { newValue: e.newValue, oldValue: e.oldValue },
        timestamp: e.timestamp,
        headers: {},
      }),
    );
  }

  process(record: StreamRecord<K, V | null>): void {
    if (record.key === null || record.key === undefined) {
      this.context.metrics.droppedRecords.add(1, { reason: 'null-key', store: this.storeName });
      return;
    }
    const old = this.store.get(record.key) ?? null;
    this.store.put(record.key, record.value ?? null);
    if (!this.caching)
      this.context.forward({ ...record, value: { newValue: record.value ?? null, oldValue: old } });
  }
}

/**
 * KTable mapValues and filter: transforms both sides of each change, and
 * materializes the result when a store is named (so it can be queried or joined).
 */
export class TableTransformProcessor<K, V, VR> implements Processor<K, Change<V>, K, Change<VR>> {
  private context!: ProcessorContext<K, Change<VR>>;
  private store: MeteredKeyValueStore<K, VR> | undefined;

  constructor(
    private readonly transform: (value: V, key: K) => VR | null,
    private readonly storeName: string | undefined,
  ) {}

  init(context: ProcessorContext<K, Change<VR>>): void {
    this.context = context;
    // Forward on write, not on flush: upstream already deduplicated if it caches.
    if (this.storeName !== undefined) this.store = context.getStateStore(this.storeName);
  }

  process(record: StreamRecord<K, Change<V>>): void {
    const apply = (v: V | null) => (v === null ? null : this.transform(v, record.key));
    const newValue = apply(record.value.newValue);
    const oldValue = apply(record.value.oldValue);
    // Neither side visible (a filter rejected both): downstream has nothing to learn.
    if (newValue === null && oldValue === null) return;
    this.store?.put(record.key, newValue);
    this.context.forward({ ...record, value: { newValue, oldValue } });
  }
}

/** KTable.toStream: the new value of each change (null for deletions). */
export class TableToStreamProcessor<K, V> implements Processor<K, Change<V>, K, V | null> {
  private context!: ProcessorContext<K, V | null>;

  init(context: ProcessorContext<K, V | null>): void {
    this.context = context;
  }

  process(record: StreamRecord<K, Change<V>>): void {
    this.context.forward({ ...record, value: record.value.newValue });
  }
}

/**
 * Stream-table join (Kafka Streams' `KStreamKTableJoin`): each stream record
 * looks its key up in the table's store, in the same task. Table updates
 * trigger nothing; the join is as of the table's current state.
 */
export class StreamTableJoinProcessor<K, V, VT, VR> implements Processor<K, V, K, VR> {
  private context!: ProcessorContext<K, VR>;
  private table!: MeteredKeyValueStore<K, VT>;

  constructor(
    private readonly tableStore: string,
    private readonly joiner: (value: V, tableValue: VT | null) => VR,
    private readonly leftJoin: boolean,
  ) {}

  init(context: ProcessorContext<K, VR>): void {
    this.context = context;
    this.table = context.getStateStore(this.tableStore);
  }

  process(record: StreamRecord<K, V>): void {
    if (
      record.key === null ||
      record.key === undefined ||
      record.value === null ||
      record.value === undefined
    ) {
      this.context.metrics.droppedRecords.add(1, { reason: 'null-key-or-value', store: this.tableStore });
      return;
    }
    const tableValue = this.table.get(record.key);
    if (tableValue === undefined && !this.leftJoin) return;
    this.context.forward({ ...record, value: this.joiner(record.value, tableValue ?? null) });
  }
}
