/**
 * What a dashboard handler receives: the decoded value, or why it did not
 * decode, plus the record's coordinates and bytes, so a failure can be routed
 * to a retry topic or the DLQ with the original key, value and headers.
 */
import type { IHeaders } from 'kafkajs';
import type { FailedRecord } from '@eda/kafka';

/**
 * The event patterns the handlers subscribe to: the contract's topic names.
 * The physical topics come from the configuration (tests use unique ones) and
 * {@link TopicRoutes} maps each to its pattern, retry topics included.
 */
export const DashboardEvents = Object.freeze({
  STORE_INVENTORY: 'store.inventory',
  ITEM_INVENTORY: 'item.inventory',
  STORE_SALES: 'store.sales.1m',
});

/** One of {@link DashboardEvents}. */
export type DashboardEvent = (typeof DashboardEvents)[keyof typeof DashboardEvents];

/** The value, `null` for a tombstone; or the decode error (poison, or registry unavailable). */
export type Decoded<T> =
  { readonly ok: true; readonly value: T | null } | { readonly ok: false; readonly error: Error };

/** A consumed record, decoded. */
export interface InboundRecord<T> extends FailedRecord {
  readonly event: DashboardEvent;
  /** 0 for the input topic, n for `<app>.<topic>.retry.<n>`. */
  readonly retryLevel: number;
  /**
   * The input topic's partition the record was first read from: its own for
   * an input record, the `eda.original.partition` header for a retry record
   * (-1 if missing). Alert ownership goes by it: it is the partition the
   * producer's partitioner chose, so nothing here recomputes it.
   */
  readonly inputPartition: number;
  readonly headers: IHeaders;
  readonly decoded: Decoded<T>;
}
