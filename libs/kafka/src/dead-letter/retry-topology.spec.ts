import { failureHeaders, readFailureHeaders, withoutFailureHeaders } from './dead-letter-headers';
import { isRetriable } from '@eda/base';
import { RetryTopology } from './retry-topology';

describe('RetryTopology', () => {
  const topology = RetryTopology.of('inventory-dashboard', [1000, 10_000]);

  it('names retry topics after the consumer and the DLQ after the topic', () => {
    expect(topology.retryTopics('store.inventory')).toEqual([
      'inventory-dashboard.store.inventory.retry.1',
      'inventory-dashboard.store.inventory.retry.2',
    ]);
    expect(topology.deadLetterTopic('store.inventory')).toBe('store.inventory.dlq');
    expect(topology.parseRetryTopic('inventory-dashboard.store.sales.1m.retry.2')).toEqual({
      topic: 'store.sales.1m',
      level: 2,
    });
    expect(topology.parseRetryTopic('store.inventory')).toBeUndefined();
    expect(topology.parseRetryTopic('inventory-dashboard.store.inventory.retry.3')).toBeUndefined();
  });

  it('retries a retriable failure once per level, then dead-letters it', () => {
    expect(topology.routeAfterFailure('t', 1, true)).toEqual({
      kind: 'retry',
      topic: 'inventory-dashboard.t.retry.1',
      level: 1,
      delayMs: 1000,
    });
    expect(topology.routeAfterFailure('t', 2, true)).toMatchObject({
      kind: 'retry',
      level: 2,
      delayMs: 10_000,
    });
    expect(topology.routeAfterFailure('t', 3, true)).toEqual({ kind: 'dead-letter', topic: 't.dlq' });
  });

  it('sends a non-retriable failure straight to the DLQ', () => {
    expect(topology.routeAfterFailure('t', 1, false)).toEqual({ kind: 'dead-letter', topic: 't.dlq' });
    expect(isRetriable(Object.assign(new Error('bad bytes'), { retriable: false }))).toBe(false);
    expect(isRetriable(new Error('handler bug'))).toBe(true);
  });

  it('rejects names and delays that cannot work', () => {
    expect(() => RetryTopology.of('a b', [1])).toThrow(/not usable in a topic name/);
    expect(() => RetryTopology.of('a', [-1])).toThrow(/non-negative/);
  });
});

describe('failure headers', () => {
  it('round-trip and are stripped on replay, keeping the original headers', () => {
    const headers = {
      traceparent: Buffer.from('00-abc-def-01'),
      ...failureHeaders({
        topic: 'store.inventory',
        partition: 3,
        offset: '42',
        timestamp: '1700000000000',
        errorClass: 'UnknownSchemaIdError',
        errorMessage: 'x'.repeat(5000),
        attempts: 1,
      }),
    };
    const info = readFailureHeaders(headers);
    expect(info).toMatchObject({ topic: 'store.inventory', partition: 3, offset: '42', attempts: 1 });
    expect(info?.errorMessage).toHaveLength(4000);
    expect(Object.keys(withoutFailureHeaders(headers))).toEqual(['traceparent']);
    // A dead letter from @eda/streams also carries Kafka Streams' KIP-1034 headers.
    const fromStreams = {
      ...headers,
      '__streams.errors.exception': 'UnknownSchemaIdError: x',
      '__streams.errors.offset': '42',
    };
    expect(Object.keys(withoutFailureHeaders(fromStreams))).toEqual(['traceparent']);
    expect(readFailureHeaders({ traceparent: 'x' })).toBeUndefined();
  });
});
