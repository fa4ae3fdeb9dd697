import { Producer, TopicMessages, TopicOffsets } from 'kafkajs';
import { StreamsError, StreamsFatalError, TaskMigratedError } from '../../errors';

/**
 * States of a task's transactional producer. FENCED, CORRUPTED and FAILED are
 * terminal: a producer that saw an error is never used again. FENCED (the task
 * migrated) and CORRUPTED (a retriable error: broker or coordinator away,
 * timeout) make the task manager close the task dirty and revive it with a new
 * producer; FAILED (anything else) fails the instance.
 */
export type TransactionState =
  | 'UNINITIALIZED'
  | 'READY'
  | 'IN_TRANSACTION'
  | 'COMMITTING'
  | 'ABORTING'
  | 'FENCED'
  | 'CORRUPTED'
  | 'FAILED'
  | 'CLOSED';

/** Valid transitions, as a table (the kafkajs transaction manager's style). */
const TRANSITIONS: Readonly<Record<TransactionState, readonly TransactionState[]>> = {
  UNINITIALIZED: ['READY', 'FENCED', 'CORRUPTED', 'FAILED', 'CLOSED'],
  READY: ['IN_TRANSACTION', 'CLOSED'],
  IN_TRANSACTION: ['COMMITTING', 'ABORTING', 'FENCED', 'CORRUPTED', 'FAILED'],
  COMMITTING: ['READY', 'ABORTING', 'FENCED', 'CORRUPTED', 'FAILED'],
  ABORTING: ['FENCED', 'CORRUPTED', 'FAILED'],
  FENCED: ['CLOSED'],
  CORRUPTED: ['CLOSED'],
  FAILED: ['CLOSED'],
  CLOSED: [],
};

/**
 * A retriable error hit the task's transaction (Kafka Streams'
 * `TaskCorruptedException`): its uncommitted state and output are void. The
 * task is closed dirty and revived: new producer (InitProducerId aborts what
 * was left open), stores re-restored from the changelog, inputs rewound.
 */
export class TaskCorruptedError extends StreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'STREAMS_TASK_CORRUPTED', retriable: true, cause });
  }
}

/** Broker errors meaning a newer producer with our transactional.id exists: we are a zombie. */
const FENCING_ERRORS = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

/**
 * The broker no longer accepts this idempotent producer's sequence numbers
 * (after a broker restart lost its producer state, say). kafkajs 2.2.4 marks
 * them non-retriable and never bumps the epoch, so the producer is useless
 * from then on; a new one (a new producer id) works. Retriable for the task:
 * exactly-once revives it with a new producer anyway; at-least-once replaces
 * its shared producer and reprocesses from the committed offsets.
 */
const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID']);

/** Whether `err` (or a cause) means the producer that raised it must be replaced. */
export function needsNewProducer(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = err; e instanceof Error && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { type } = e as { type?: string };
    if (type !== undefined && PRODUCER_STATE_ERRORS.has(type)) return true;
  }
  return false;
}

/**
 * kafkajs errors that are retriable although their class says otherwise:
 * retries exhausted while the broker was away, no coordinator, a timeout.
 */
const RETRIABLE_NAMES = new Set([
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
]);

/** How an error from Kafka is handled: the task migrated, retry it, or fail the instance. */
export type ErrorKind = 'fenced' | 'retriable' | 'fatal';

/**
 * Classifies an error by its cause chain (kafkajs wraps the broker's error in
 * `KafkaJSNumberOfRetriesExceeded`, non-retriable by class, once its own
 * retries run out). Fencing anywhere in the chain wins; a retriable kafkajs
 * error (`retriable: true`, or one of {@link RETRIABLE_NAMES}) anywhere makes
 * it retriable; anything else (authorization, too large, a bug) is fatal.
 */
export function classifyError(err: unknown): ErrorKind {
  let retriable = false;
  const seen = new Set<unknown>();
  for (let e = err; e instanceof Error && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { type, name, retriable: flag } = e as { type?: string; name: string; retriable?: boolean };
    if (type !== undefined && FENCING_ERRORS.has(type)) return 'fenced';
    if (e instanceof TaskMigratedError) return 'fenced';
    if (e instanceof StreamsFatalError) return 'fatal';
    if (e instanceof TaskCorruptedError || RETRIABLE_NAMES.has(name)) retriable = true;
    else if (type !== undefined && PRODUCER_STATE_ERRORS.has(type)) retriable = true;
    else if (name.startsWith('KafkaJS') && flag === true) retriable = true;
  }
  return retriable ? 'retriable' : 'fatal';
}

/** Whether the task that raised `err` should be closed dirty and revived rather than failing the instance. */
export function isRecoverable(err: unknown): boolean {
  return classifyError(err) !== 'fatal';
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
   * Commits `requests` (produce requests, sent in order) and `offsets` atomically.
   * On error aborts (best effort: the next producer's InitProducerId aborts it
   * anyway) and throws TaskMigratedError (fenced), TaskCorruptedError
   * (retriable) or StreamsFatalError. Either way this producer is done.
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
      if (classifyError(err) === 'fenced') throw this.fail(err, 'commit');
      this.transition('ABORTING');
      const abortErr = await txn.abort().then(
        () => undefined,
        (e: unknown) => e,
      );
      if (abortErr !== undefined && classifyError(abortErr) === 'fenced') throw this.fail(abortErr, 'abort');
      throw this.fail(err, 'commit');
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

  /** Moves to the terminal state `err` calls for and returns the error to throw. */
  private fail(err: unknown, step: string): Error {
    const kind = classifyError(err);
    if (kind === 'fenced') {
      this.transition('FENCED');
      return new TaskMigratedError(
        `Producer ${this.transactionalId} was fenced during ${step}: another instance owns the task now.`,
        err,
      );
    }
    if (kind === 'retriable') {
      this.transition('CORRUPTED');
      return new TaskCorruptedError(
        `Transaction ${this.transactionalId} failed during ${step}: ${(err as Error).message}. The task will be revived from its last commit.`,
        err,
      );
    }
    this.transition('FAILED');
    return new StreamsFatalError(
      `Transaction ${this.transactionalId} failed during ${step}: ${(err as Error).message}.`,
      err,
    );
  }
}
