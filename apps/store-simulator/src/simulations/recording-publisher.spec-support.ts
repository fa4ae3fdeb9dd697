/** A real in-memory backend for unit tests: it keeps what it is sent, and can be told to fail. */
import type { ItemTransaction } from '@eda/events';
import type { TransactionPublisher } from '../publishing/transaction-publisher';

/** An error with kafkajs's and @eda/events's `retriable` flag. */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
  ) {
    super(message);
  }
}

/** Records every acknowledged transaction; `failures` are thrown, one per publish call, first. */
export class RecordingPublisher implements TransactionPublisher {
  readonly backend = 'kafka' as const;
  readonly destination = 'memory';
  readonly received: ItemTransaction[] = [];
  readonly failures: Error[] = [];
  /** Delay per publish call, to keep a run going while a test looks at it. */
  delayMs = 0;

  async publish(batch: readonly ItemTransaction[]): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.received.push(...batch);
  }
}
