/**
 * Where a simulation sends its transactions. The backend is pluggable: each
 * implementation is a Nest provider listed under {@link TRANSACTION_PUBLISHERS},
 * and a simulation picks one by its `backend` name: `kafka`
 * (kafka-transaction-publisher.ts) always, `mq` (mq-transaction-publisher.ts,
 * to the MQ bridge's input queue) when the MQ variables are set.
 */
import type { ItemTransaction } from '@eda/events';

/** The backends the HTTP API accepts (`backend` in `POST /api/simulations`). */
export const BACKENDS = ['kafka', 'mq'] as const;
/** One of {@link BACKENDS}. */
export type Backend = (typeof BACKENDS)[number];

/** Sends batches of transactions to one backend. */
export interface TransactionPublisher {
  /** The backend this publisher implements. */
  readonly backend: Backend;
  /** Where records go (a topic, a queue), shown in a simulation's status. */
  readonly destination: string;
  /**
   * Sends `batch` and resolves once the backend has acknowledged all of it
   * (Kafka: acks=all). Rejects with an error carrying `retriable` when it is not.
   */
  publish(batch: readonly ItemTransaction[]): Promise<void>;
}

/** Nest token of the `TransactionPublisher[]` the simulations choose from. */
export const TRANSACTION_PUBLISHERS = Symbol('TRANSACTION_PUBLISHERS');
