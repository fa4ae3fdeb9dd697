/**
 * Runs a handler's work on one record with the dashboard's delivery rules:
 *
 * 1. A record from a retry topic belongs to the group that put it there (every
 *    instance has its own group and reads every partition); another group's
 *    record is committed and skipped. Its own waits for its due time, heartbeating.
 * 2. A record that did not decode goes straight to the DLQ (poison), or to a
 *    retry topic when the cause is retriable (registry unavailable).
 * 3. Work that throws sends the record to the next retry topic, or to the DLQ
 *    after the last level, with the failure headers.
 * 4. Only then is the offset marked for commit ({@link OffsetCommitter}, which
 *    commits through the `KafkaContext`'s consumer, coalesced), so the
 *    partition moves on in every case. If routing itself fails (Kafka
 *    unavailable), nothing is committed and the error reaches kafkajs, which
 *    delivers the record again.
 */
import { Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import type { Consumer } from 'kafkajs';
import {
  isRetriable,
  readFailureHeaders,
  waitUntilDue,
  type ConsumerProgress,
  type FailedRecordRouter,
  type OffsetCommitter,
} from '@eda/kafka';
import type { DashboardMetrics } from '../metrics/dashboard-metrics';
import type { InboundRecord } from './inbound-record';

/** What happened to a record. */
export type RecordOutcome = 'processed' | 'retried' | 'dead_lettered' | 'skipped' | 'interrupted';

/** Applies the rules above; one per process. */
export class RecordProcessor {
  private readonly logger = new Logger(RecordProcessor.name);
  private stopping = false;

  constructor(
    private readonly router: FailedRecordRouter,
    private readonly groupId: string,
    private readonly progress: ConsumerProgress,
    private readonly metrics: DashboardMetrics,
    private readonly committer: OffsetCommitter,
  ) {}

  /** Ends retry waits at once: the record is not committed and the next instance reads it. */
  stop(): void {
    this.stopping = true;
  }

  /** Processes `record` with `work`, routes a failure, commits. */
  async process<T>(
    record: InboundRecord<T>,
    context: KafkaContext,
    work: (value: T | null) => Promise<void> | void,
  ): Promise<RecordOutcome> {
    const outcome = await this.handle(record, context, work);
    if (outcome !== 'interrupted') {
      const consumer = context.getConsumer() as unknown as Consumer;
      this.progress.processed(record.topic, record.partition, record.offset);
      await this.committer.processed(consumer, record.topic, record.partition, record.offset);
    }
    this.metrics.records.inc({ event: record.event, outcome });
    return outcome;
  }

  private async handle<T>(
    record: InboundRecord<T>,
    context: KafkaContext,
    work: (value: T | null) => Promise<void> | void,
  ): Promise<RecordOutcome> {
    if (record.retryLevel > 0) {
      const failure = readFailureHeaders(record.headers);
      if (failure?.retryGroup !== this.groupId) return 'skipped';
      const due = await waitUntilDue(failure.retryNotBefore ?? 0, {
        heartbeat: context.getHeartbeat(),
        aborted: () => this.stopping,
      });
      if (!due) return 'interrupted';
    }
    if (!record.decoded.ok) {
      return this.fail(record, record.decoded.error, !isRetriable(record.decoded.error));
    }
    try {
      await work(record.decoded.value);
      return 'processed';
    } catch (err) {
      return this.fail(record, err, false);
    }
  }

  private async fail(
    record: InboundRecord<unknown>,
    error: unknown,
    poison: boolean,
  ): Promise<RecordOutcome> {
    const { route, info } = await this.router.route(record, error, { poison });
    const fields = {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      attempts: info.attempts,
      errorClass: info.errorClass,
      to: route.topic,
    };
    if (route.kind === 'retry') {
      this.logger.warn({
        msg: `Record failed, retrying in ${route.delayMs} ms: ${info.errorMessage}`,
        ...fields,
      });
      return 'retried';
    }
    this.logger.error({ msg: `Record dead-lettered: ${info.errorMessage}`, ...fields });
    return 'dead_lettered';
  }
}
