import { AggregatorConfigError, aggregatorSettingsFromEnv } from './aggregator.config';

describe('aggregatorSettingsFromEnv', () => {
  it('defaults to the contract: port 3002, the public topic names, application.id inventory-aggregator', () => {
    const settings = aggregatorSettingsFromEnv({});
    expect(settings).toMatchObject({
      port: 3002,
      applicationId: 'inventory-aggregator',
      topics: {
        items: 'items',
        itemInventory: 'item.inventory',
        storeInventory: 'store.inventory',
        storeSales: 'store.sales.1m',
      },
      processingGuarantee: 'exactly_once_v2',
      salesWindowMs: 60_000,
      createInternalTopics: true,
      deserializationErrors: 'dead-letter',
      deadLetterTopic: 'items.dlq',
    });
    expect(settings.applicationServer).toMatch(/:3002$/);
  });

  it('reads overrides', () => {
    const settings = aggregatorSettingsFromEnv({
      PORT: '4000',
      APPLICATION_SERVER: 'aggregator-1.aggregator:4000',
      ITEMS_TOPIC: 'items.test',
      PROCESSING_GUARANTEE: 'at_least_once',
      SALES_GRACE_MS: '0',
      DEDUPE_WINDOW_MS: '60000',
      INTERNAL_TOPICS_CREATE: 'false',
      COMMIT_INTERVAL_MS: '250',
      DESERIALIZATION_ERRORS: 'continue',
      DEAD_LETTER_TOPIC: 'items.test.dlq',
    });
    expect(settings).toMatchObject({
      port: 4000,
      applicationServer: 'aggregator-1.aggregator:4000',
      topics: { items: 'items.test' },
      processingGuarantee: 'at_least_once',
      salesGraceMs: 0,
      dedupeWindowMs: 60_000,
      createInternalTopics: false,
      commitIntervalMs: 250,
      deserializationErrors: 'continue',
      deadLetterTopic: 'items.test.dlq',
    });
    expect(aggregatorSettingsFromEnv({ DESERIALIZATION_ERRORS: 'fail' }).deserializationErrors).toBe('fail');
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT must be an integer/],
    [{ ITEMS_TOPIC: 'no spaces' }, /^ITEMS_TOPIC is not a valid Kafka topic name/],
    [{ PROCESSING_GUARANTEE: 'exactly_once' }, /^PROCESSING_GUARANTEE must be one of/],
    [{ APPLICATION_SERVER: 'http://x:1' }, /^APPLICATION_SERVER must be host:port/],
    [{ INTERNAL_TOPICS_CREATE: 'yes' }, /^INTERNAL_TOPICS_CREATE must be true or false/],
    [{ SALES_GRACE_MS: '-1' }, /^SALES_GRACE_MS must be an integer/],
    [
      { DESERIALIZATION_ERRORS: 'skip' },
      /^DESERIALIZATION_ERRORS must be one of dead-letter, continue, fail/,
    ],
    [{ DEAD_LETTER_TOPIC: 'items dlq' }, /^DEAD_LETTER_TOPIC is not a valid Kafka topic name/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => aggregatorSettingsFromEnv(env)).toThrow(AggregatorConfigError);
    expect(() => aggregatorSettingsFromEnv(env)).toThrow(message);
  });
});
