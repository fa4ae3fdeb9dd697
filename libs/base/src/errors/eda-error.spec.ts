import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { EdaError, isRetriable } from './eda-error';

describe('EdaError', () => {
  class ExampleError extends EdaError {}

  it('names the subclass, keeps code and cause, and is not retriable unless it says so', () => {
    const cause = new Error('socket closed');
    const error = new ExampleError('EDA_EXAMPLE', 'it broke', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ExampleError');
    expect(error.code).toBe('EDA_EXAMPLE');
    expect(error.cause).toBe(cause);
    expect(error.retriable).toBe(false);
    expect(new ExampleError('EDA_EXAMPLE', 'later', { retriable: true }).retriable).toBe(true);
  });
});

describe('isRetriable', () => {
  const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');

  it('sees through kafkajs giving up on a broker that is down', () => {
    const exhausted = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 9000 });
    expect(exhausted.retriable).toBe(false); // what kafkajs says
    expect(isRetriable(exhausted)).toBe(true); // what a caller can do: try again later
  });

  it('sees through an outer retrier wrapping the inner give-up, as a producer send does', () => {
    const inner = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 9000 });
    // kafkajs's retrier passes { cause: e.cause || e }; its type declarations omit the option.
    const outer = Object.assign(new KafkaJSNonRetriableError(inner), { cause: refused });
    expect(outer.retriable).toBe(false);
    expect(isRetriable(outer)).toBe(true);
  });

  it('keeps a give-up over a non-retriable cause non-retriable', () => {
    const fatal = new KafkaJSNonRetriableError('record too large');
    const exhausted = new KafkaJSNumberOfRetriesExceeded(fatal, { retryCount: 0, retryTime: 0 });
    expect(isRetriable(exhausted)).toBe(false);
  });

  it('follows the retriable flag of other errors', () => {
    expect(isRetriable(refused)).toBe(true);
    const denied = new KafkaJSProtocolError(
      Object.assign(new Error('Not authorized to access topics'), {
        type: 'TOPIC_AUTHORIZATION_FAILED',
        code: 29,
        retriable: false,
      }),
    );
    expect(isRetriable(denied)).toBe(false);
    expect(isRetriable(new EdaError('EDA_KAFKA_CONFIG', 'KAFKA_BROKERS is empty'))).toBe(false);
  });

  it('gives an error without the flag the benefit of the doubt, unless the caller says otherwise', () => {
    expect(isRetriable(new Error('handler bug'))).toBe(true);
    expect(isRetriable('not an error')).toBe(true);
    expect(isRetriable(undefined)).toBe(true);
    expect(isRetriable(new Error('handler bug'), false)).toBe(false);
    expect(isRetriable('not an error', false)).toBe(false);
    // A flag always wins over the default.
    expect(isRetriable(Object.assign(new Error('bad bytes'), { retriable: false }))).toBe(false);
    expect(isRetriable(Object.assign(new Error('busy'), { retriable: true }), false)).toBe(true);
  });
});
