import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { isRetriableKafkaError, KafkaConfigError } from './kafka-errors';

describe('isRetriableKafkaError', () => {
  const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');

  it('sees through kafkajs giving up on a broker that is down', () => {
    const exhausted = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 9000 });
    expect(exhausted.retriable).toBe(false); // what kafkajs says
    expect(isRetriableKafkaError(exhausted)).toBe(true); // what a caller can do: try again later
  });

  it('sees through an outer retrier wrapping the inner give-up, as a producer send does', () => {
    const inner = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 9000 });
    // kafkajs's retrier passes { cause: e.cause || e }; its type declarations omit the option.
    const outer = Object.assign(new KafkaJSNonRetriableError(inner), { cause: refused });
    expect(outer.retriable).toBe(false);
    expect(isRetriableKafkaError(outer)).toBe(true);
  });

  it('keeps a give-up over a non-retriable cause non-retriable', () => {
    const fatal = new KafkaJSNonRetriableError('record too large');
    const exhausted = new KafkaJSNumberOfRetriesExceeded(fatal, { retryCount: 0, retryTime: 0 });
    expect(isRetriableKafkaError(exhausted)).toBe(false);
  });

  it('follows the retriable flag of other errors', () => {
    expect(isRetriableKafkaError(refused)).toBe(true);
    const denied = new KafkaJSProtocolError(
      Object.assign(new Error('Not authorized to access topics'), {
        type: 'TOPIC_AUTHORIZATION_FAILED',
        code: 29,
        retriable: false,
      }),
    );
    expect(isRetriableKafkaError(denied)).toBe(false);
    expect(isRetriableKafkaError(new KafkaConfigError('KAFKA_BROKERS', 'is empty'))).toBe(false);
    expect(isRetriableKafkaError('not an error')).toBe(false);
  });
});
