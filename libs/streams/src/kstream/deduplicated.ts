import { TopologyError } from '../errors';
import { Serde } from '../serdes/serde';

/**
 * How {@link KStream.deduplicate} remembers the ids it has seen: the store's
 * name (so its changelog is `<application.id>-<store>-changelog`), the id
 * serde, and the deduplication window.
 *
 * The window is measured in event time (record timestamps): a record whose id
 * was seen at most `windowMs` earlier or later is a duplicate. Ids older than
 * the window (in stream time) are forgotten, which bounds the store.
 *
 * @example
 * ```ts
 * Deduplicated.as<string>('transaction-ids').withIdSerde(Serdes.String()).withWindowMs(86_400_000);
 * ```
 */
export class Deduplicated<ID> {
  /** One day: long enough for an at-least-once redelivery, short enough to bound the store. */
  static readonly DEFAULT_WINDOW_MS = 86_400_000;

  private constructor(
    readonly storeName: string,
    readonly idSerde: Serde<ID> | undefined,
    readonly windowMs: number,
  ) {}

  /** Remembers ids in a store with this name. */
  static as<ID>(storeName: string): Deduplicated<ID> {
    return new Deduplicated<ID>(storeName, undefined, Deduplicated.DEFAULT_WINDOW_MS);
  }

  /** Serializes ids for the store and its changelog. Required. */
  withIdSerde(idSerde: Serde<ID>): Deduplicated<ID> {
    return new Deduplicated(this.storeName, idSerde, this.windowMs);
  }

  /** How far apart, in event time, two records with one id may be and still count as duplicates. */
  withWindowMs(windowMs: number): Deduplicated<ID> {
    if (!(Number.isInteger(windowMs) && windowMs > 0)) {
      throw new TopologyError(`Deduplication window must be a positive integer of ms, got ${windowMs}.`);
    }
    return new Deduplicated(this.storeName, this.idSerde, windowMs);
  }
}
