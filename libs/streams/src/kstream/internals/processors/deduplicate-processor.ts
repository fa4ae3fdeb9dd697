import { Processor, ProcessorContext, StreamRecord } from '../../../processor/api';
import { MeteredWindowStore } from '../../../state/internals/metered-stores';
import { KeyValueMapper } from '../../kstream';

/**
 * Forwards the first record per id and drops a later one whose event time is
 * within `windowMs` of it: the pattern of Kafka Streams' deduplication
 * example (a window store keyed by id), with the store change-logged so a
 * restarted or migrated task remembers what it already counted.
 *
 * The store maps id -> first event time, filed under a bucket of `windowMs`
 * (the window start). Any earlier sighting within the window sits in the
 * record's bucket or a neighbour, so a lookup is three point reads; and with
 * a retention of two buckets the store forgets old ids by itself, segment by
 * segment, without a punctuation.
 *
 * Records without an id (null or undefined) pass: they cannot be told apart.
 */
export class DeduplicateProcessor<K, V, ID> implements Processor<K, V, K, V> {
  private context!: ProcessorContext<K, V>;
  private store!: MeteredWindowStore<ID, number>;

  constructor(
    private readonly storeName: string,
    private readonly idSelector: KeyValueMapper<K, V, ID>,
    private readonly windowMs: number,
  ) {}

  init(context: ProcessorContext<K, V>): void {
    this.context = context;
    this.store = context.getStateStore(this.storeName);
  }

  process(record: StreamRecord<K, V>): void {
    const id =
      record.value === null || record.value === undefined
        ? undefined
        : this.idSelector(record.key, record.value);
    if (id === null || id === undefined) {
      this.context.forward(record);
      return;
    }
    if (this.seenWithinWindow(id, record.timestamp)) {
      this.context.metrics.droppedRecords.add(1, { reason: 'duplicate', store: this.storeName });
      return;
    }
    this.store.put(id, record.timestamp, this.bucketOf(record.timestamp));
    this.context.forward(record);
  }

  private seenWithinWindow(id: ID, timestamp: number): boolean {
    const bucket = this.bucketOf(timestamp);
    for (const start of [bucket - this.windowMs, bucket, bucket + this.windowMs]) {
      if (start < 0) continue;
      const seenAt = this.store.fetch(id, start);
      if (seenAt !== undefined && Math.abs(timestamp - seenAt) <= this.windowMs) return true;
    }
    return false;
  }

  private bucketOf(timestamp: number): number {
    return Math.max(0, timestamp - (timestamp % this.windowMs));
  }
}
