/**
 * Whose fault a failed send is, from the errors kafkajs really throws (its
 * own error classes and protocol error table), and what ServerMQ then does
 * with the message.
 */
import { classifyHandlerFailure } from '@eda/mq';
import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { isRecordFault, KAFKA_REJECTED, kafkaSendFailure } from './kafka-send-failure';

const { createErrorFromCode } = require('kafkajs/src/protocol/error') as {
  createErrorFromCode(code: number): { type: string; code: number; retriable: boolean; message: string };
};
const protocol = (code: number) => new KafkaJSProtocolError(createErrorFromCode(code) as unknown as Error);
/** What the producer throws after its retries: the retrier's wrapper, wrapped again by the outer retrier. */
const afterRetries = (cause: Error) => {
  const exceeded = new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 5, retryTime: 300 });
  return Object.assign(new KafkaJSNonRetriableError(exceeded), { cause: exceeded });
};

describe('kafkaSendFailure: the record or Kafka', () => {
  it.each([
    [
      'the broker is down (connection refused, after retries)',
      afterRetries(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:19092')),
    ],
    ['no leader while the broker restarts', afterRetries(protocol(6))], // NOT_LEADER_OR_FOLLOWER
    ['the topic does not exist', protocol(3)], // UNKNOWN_TOPIC_OR_PARTITION
    ['the ACL denies the write', protocol(29)], // TOPIC_AUTHORIZATION_FAILED
    ['not enough in-sync replicas', afterRetries(protocol(19))], // NOT_ENOUGH_REPLICAS
    ['the producer is not connected', new Error('The producer is disconnected')],
  ])(
    '%s: Kafka unavailable, so ServerMQ holds the message without spending its backout budget',
    (_what, err) => {
      const failure = kafkaSendFailure(err, 3, 'items');
      expect(isRecordFault(err)).toBe(false);
      expect(classifyHandlerFailure(failure)).toBe('sink-unavailable');
      expect(failure.message).toMatch(
        /^Kafka did not acknowledge 3 record\(s\) for items; holding them on MQ until/,
      );
    },
  );

  it.each([
    ['too large', protocol(10)], // MESSAGE_TOO_LARGE
    ['invalid', protocol(87)], // INVALID_RECORD
    ['corrupt', protocol(2)], // CORRUPT_MESSAGE
    ['with a timestamp out of range', protocol(32)], // INVALID_TIMESTAMP
    ['too large, inside kafkajs wrappers', afterRetries(protocol(10))],
  ])('a record the broker refuses as %s is poison, moved with reason KAFKA_REJECTED', (_what, err) => {
    const failure = kafkaSendFailure(err, 1, 'items');
    expect(classifyHandlerFailure(failure)).toBe('poison');
    expect(failure).toMatchObject({ reason: KAFKA_REJECTED, retriable: false });
    expect(failure.message).toMatch(
      /^Kafka refused the record for items \((MESSAGE_TOO_LARGE|INVALID_RECORD|CORRUPT_MESSAGE|INVALID_TIMESTAMP)\)/,
    );
  });

  it('does not blame every record of a refused batch: a batch-level refusal of several records holds them', () => {
    // The producer sends such a batch again one record at a time; only a single refused record is poison.
    expect(classifyHandlerFailure(kafkaSendFailure(protocol(10), 5, 'items'))).toBe('sink-unavailable');
  });
});
