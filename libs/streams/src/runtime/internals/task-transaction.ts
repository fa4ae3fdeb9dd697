import { KafkaJSError, Producer, TopicMessages, TopicOffsets } from 'kafkajs';
import { StreamsFatalError, TaskMigratedError } from '../../errors';

/** States of a task's transactional producer. */
export type TransactionState =
  'UNINITIALIZED' | 'READY' | 'IN_TRANSACTION' | 'COMMITTING' | 'ABORTING' | 'FENCED' | 'FAILED' | 'CLOSED';

/** Valid transitions, as a table (the kafkajs transaction manager's style). */
const TRANSITIONS: Readonly<Record<TransactionState, readonly TransactionState[]>> = {
  UNINITIALIZED: ['READY', 'FENCED', 'FAILED', 'CLOSED'],
  READY: ['IN_TRANSACTION', 'CLOSED'],
  IN_TRANSACTION: ['COMMITTING', 'ABORTING', 'FENCED', 'FAILED'],
  COMMITTING: ['READY', 'ABORTING', 'FENCED', 'FAILED'],
  ABORTING: ['READY', 'FENCED', 'FAILED'],
  FENCED: ['CLOSED'],
  FAILED: ['CLOSED'],
  CLOSED: [],
};

/** Broker errors meaning a newer producer with our transactional.id exists: we are a zombie. */
const FENCING_ERRORS = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

function isFencing(err: unknown): boolean {
  const type = (err as { type?: string }).type;
  return type !== undefined && FENCING_ERRORS.has(type);
}

/**
 * Exactly-once for one task: all of exactly-once lives in this class.
 *
 * Each commit is one Kafka transaction holding the task's output records,
 * its changelog writes and its input offsets (`sendOffsets`, KIP-98). The
 * transactional.id is `<application.id>-<taskId>` (EOS v1, KIP-98/KIP-129):
 * a task has one id wherever it runs, so when a task moves, its new owner's
 * `InitProducerId` bumps the epoch, aborts the old owner's open transaction
 * and fences the old owner (a zombie after a GC pause or partition) from
 * committing. KIP-447 (EOS v2) fences through the consumer group generation
 * in `TxnOffsetCommit` (v3+) instead, so one producer per instance suffices;
 * kafkajs 2.2.4 speaks only TxnOffsetCommit v0/v1, which carry neither, so
 * that fencing is unavailable and a per-instance producer would let a zombie
 * commit offsets for a task it no longer owns.
 *
 * Output is buffered until commit, so a transaction is open only while it is
 * being committed: a crash before commit leaves nothing to abort, and a crash
 * during commit leaves a transaction the next owner's InitProducerId aborts.
 */
export class TaskTransaction {
  private current: TransactionState = 'UNINITIALIZED';

  constructor(
    private readonly producer: Producer,
    readonly transactionalId: string,
    private readonly groupId: string,
  ) {}

  get state(): TransactionState {
    return this.current;
  }

  /** Connects and runs InitProducerId, which fences any previous owner of this task. */
  async initialize(): Promise<void> {
    try {
      await this.producer.connect();
      this.transition('READY');
    } catch (err) {
      throw this.fail(err, 'initialize');
    }
  }

  /**
   * Commits `requests` (produce requests, sent in order) and `offsets` atomically;
   * on error aborts and throws (TaskMigratedError when fenced).
   */
  async commit(requests: TopicMessages[][], offsets: TopicOffsets[]): Promise<void> {
    if (requests.length === 0 && offsets.length === 0) return;
    this.transition('IN_TRANSACTION');
    const txn = await this.producer.transaction().catch((err: unknown) => {
      throw this.fail(err, 'begin');
    });
    try {
      for (const topicMessages of requests) await txn.sendBatch({ topicMessages, acks: -1 });
      if (offsets.length > 0) await txn.sendOffsets({ consumerGroupId: this.groupId, topics: offsets });
      this.transition('COMMITTING');
      await txn.commit();
      this.transition('READY');
    } catch (err) {
      if (isFencing(err)) throw this.fail(err, 'commit');
      this.transition('ABORTING');
      await txn.abort().catch((abortErr: unknown) => {
        throw this.fail(abortErr, 'abort');
      });
      this.transition('READY');
      throw new TaskMigratedError(
        `Transaction ${this.transactionalId} was aborted after: ${(err as Error).message}. The task will be re-initialised from its last commit.`,
        err,
      );
    }
  }

  /** Disconnects. An open transaction (none outside commit) is aborted by the broker on timeout or by the next owner. */
  async close(): Promise<void> {
    if (this.current === 'CLOSED') return;
    this.current = 'CLOSED';
    await this.producer.disconnect().catch(() => undefined);
  }

  private transition(next: TransactionState): void {
    if (!TRANSITIONS[this.current].includes(next)) {
      throw new StreamsFatalError(
        `Transaction ${this.transactionalId}: illegal transition ${this.current} -> ${next}.`,
      );
    }
    this.current = next;
  }

  private fail(err: unknown, step: string): Error {
    if (isFencing(err)) {
      this.current = 'FENCED';
      return new TaskMigratedError(
        `Producer ${this.transactionalId} was fenced during ${step}: another instance owns the task now.`,
        err,
      );
    }
    this.current = 'FAILED';
    const retriable = err instanceof KafkaJSError && err.retriable;
    if (retriable) {
      return new TaskMigratedError(
        `Transaction ${this.transactionalId} failed during ${step}: ${(err as Error).message}.`,
        err,
      );
    }
    return new StreamsFatalError(
      `Transaction ${this.transactionalId} failed during ${step}: ${(err as Error).message}.`,
      err,
    );
  }
}
