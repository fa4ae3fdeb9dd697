/**
 * Sends a record that failed processing to its next retry topic, or to its
 * dead-letter topic, with the failure headers. The caller commits the
 * original offset once `route` resolves, so a failing record never blocks its
 * partition; if `route` rejects (Kafka unavailable), the caller must not
 * commit, and the record is processed again: nothing is lost.
 */
import type { IHeaders, Producer } from 'kafkajs';
import { isRetriable } from '@eda/base';
import { ACKS_ALL } from '../client/kafka-client-factory';
import {
  failureHeaders,
  readFailureHeaders,
  withoutFailureHeaders,
  type FailureInfo,
} from './dead-letter-headers';
import type { FailureRoute, RetryTopology } from './retry-topology';

/**
 * A consumed record with its bytes: a kafkajs message plus its topic and
 * partition. It is what the router needs to re-publish a failure, and what the
 * Nest Kafka transport hands a deserializer.
 */
export interface FailedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

/** What {@link FailedRecordRouter.route} did. */
export interface RoutedFailure {
  readonly route: FailureRoute;
  readonly info: FailureInfo;
}

/** Routes failed records of one consumer group. */
export class FailedRecordRouter {
  constructor(
    private readonly producer: Producer,
    private readonly topology: RetryTopology,
    /** The group whose retry records these are (see `FailureHeaders.RETRY_GROUP`). */
    private readonly group: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Routes `record` after `error`. A record from a retry topic keeps its
   * original coordinates and adds one attempt; `poison` (bytes that will never
   * decode) skips the retries.
   */
  async route(
    record: FailedRecord,
    error: unknown,
    options: { poison?: boolean } = {},
  ): Promise<RoutedFailure> {
    const previous = readFailureHeaders(record.headers);
    const attempts = (previous?.attempts ?? 0) + 1;
    const original = previous ?? record;
    const retriable = !options.poison && isRetriable(error);
    const route = this.topology.routeAfterFailure(original.topic, attempts, retriable);
    const err = error instanceof Error ? error : new Error(String(error));
    const info: FailureInfo = {
      topic: original.topic,
      partition: original.partition,
      offset: original.offset,
      timestamp: original.timestamp,
      errorClass: err.constructor.name === 'Object' ? 'Error' : err.constructor.name,
      errorMessage: err.message,
      attempts,
      ...(route.kind === 'retry'
        ? { retryNotBefore: this.clock() + route.delayMs, retryGroup: this.group }
        : {}),
    };
    await this.producer.send({
      topic: route.topic,
      acks: ACKS_ALL,
      messages: [
        {
          key: record.key,
          value: record.value,
          // No original timestamp on the record itself: retention would count from it, and a
          // dead letter of a months-old compacted record would be deleted at once. It is in a header.
          headers: { ...withoutFailureHeaders(record.headers), ...failureHeaders(info) },
        },
      ],
    });
    return { route, info };
  }
}
