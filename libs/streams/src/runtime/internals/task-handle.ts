import { Admin, Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { StreamTask } from '../../processor/internals/stream-task';
import { SubtopologyDef } from '../../processor/internals/topology-layout';
import { HeldTaskMetrics, StreamsMetrics } from '../../telemetry/metrics';
import { ResolvedStreamsConfig } from '../streams-config';
import { OutputBuffer } from './output-buffer';
import { PartitionReader } from './partition-reader';
import { TaskTransaction } from './task-transaction';

/*
 * The shapes the task manager, creator and executor work with: a task's
 * runtime handle, the table of handles they share, the parts of a kafkajs
 * batch a task reads, and what they need from their thread.
 */

/** The parts of a kafkajs batch a task reads. */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: ReadonlyArray<Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'timestamp' | 'headers'>>;
  /**
   * The last offset the fetch covered, filtered records included (kafkajs'
   * `Batch.lastOffset()`): transaction markers and aborted records after the
   * last message are not delivered, but the position must move past them.
   */
  lastOffset?(): string;
}

/** The kafkajs batch callbacks the loop needs. */
export interface BatchControl {
  resolveOffset(offset: string): void;
  isRunning(): boolean;
  isStale(): boolean;
}

/** A task and what the runtime keeps beside it. */
export interface TaskHandle {
  readonly task: StreamTask;
  /** Exactly-once only: the task's own output buffer and transaction. */
  readonly output: OutputBuffer | undefined;
  readonly txn: TaskTransaction | undefined;
  /** Exactly-once only: the task's record counts, published when its transaction commits. */
  readonly held: HeldTaskMetrics | undefined;
  /** Resolves true when restored and positioned; false if closed meanwhile. */
  readonly ready: Promise<boolean>;
  running: boolean;
  closed: boolean;
  /**
   * Set (synchronously, on GROUP_JOIN) when the new assignment no longer holds
   * this task: from then on it processes nothing, commits no offsets
   * (at-least-once) and is never revived; `assign` closes it.
   */
  revoked?: boolean;
  /** Offsets below these were processed before the last commit: skip them (a seek may lag). */
  readonly positions: Map<string, number>;
  readonly committed: Map<string, number>;
  /** Set when initialisation hit a retriable error: when to revive, and since when the task keeps failing. */
  revive?: { readonly at: number; readonly attempt: number; readonly failingSince: number };
  /** Since when the task keeps failing retriably (revived, no commit since); undefined once it commits. */
  failingSince?: number;
}

/** Where a revival stands: its attempt (backoff doubles per attempt) and since when the task keeps failing. */
export interface ReviveAttempt {
  readonly attempt: number;
  readonly failingSince: number;
}

/**
 * The task table (the `TaskManager`): the creator registers new tasks in it,
 * and the creator and the executor hand a failed task back to be closed,
 * and re-created if `reinit`.
 */
export interface TaskTable {
  readonly handles: Map<string, TaskHandle>;
  closeDirty(handle: TaskHandle, reinit?: boolean, retry?: ReviveAttempt): Promise<void>;
}

/** What the task manager (and its creator and executor) need from the thread that owns it. */
export interface TaskManagerDeps {
  readonly kafka: Kafka;
  readonly config: ResolvedStreamsConfig;
  readonly subtopologies: SubtopologyDef[];
  readonly admin: Admin;
  readonly reader: PartitionReader;
  readonly metrics: StreamsMetrics;
  consumer(): Consumer;
  /** At-least-once: the shared producer and buffer. */
  readonly producer: Producer | undefined;
  /** At-least-once: replaces the shared producer after an error no idempotent producer recovers from. */
  replaceProducer?(): Promise<Producer>;
  readonly sharedOutput: OutputBuffer | undefined;
  /** Called when a buffer fills, so the owner flushes or commits early. */
  requestCommit(): void;
  onTaskStatus(): void;
  onFatal(err: unknown): void;
  /**
   * At-least-once: false while the consumer is rejoining the group (a
   * JoinGroup was sent and no assignment came back yet). Offsets are not
   * committed then; see the README's "Rebalances and revocation".
   */
  canCommitOffsets?(): boolean;
  /**
   * False from a consumer crash (or a rebalance) until the next assignment.
   * Between kafkajs' crash and its restart the consumer has no group and
   * `seek` throws; see TaskCreator's positionInputs.
   */
  inGroup?(): boolean;
}

/** kafkajs header values may be arrays or undefined; tasks see the first value of each. */
export function normaliseHeaders(headers: IHeaders | undefined): Record<string, Buffer | string> {
  const out: Record<string, Buffer | string> = {};
  if (headers === undefined) return out;
  for (const k in headers) {
    const v = headers[k];
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined) out[k] = value;
  }
  return out;
}
