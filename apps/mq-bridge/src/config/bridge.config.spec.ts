import { bridgeSettingsFromEnv } from './bridge.config';

const QUEUES = { MQ_QUEUE: 'DEV.ITEMS', MQ_BACKOUT_QUEUE: 'DEV.ITEMS.BACKOUT' };

describe('bridge settings', () => {
  it('has working defaults beside the two queues, with the subject following the topic', () => {
    expect(bridgeSettingsFromEnv({ ...QUEUES, ITEMS_TOPIC: 'items' })).toMatchObject({
      port: 3003,
      itemsTopic: 'items',
      itemsSubject: 'items-value',
      queue: 'DEV.ITEMS',
      backoutQueue: 'DEV.ITEMS.BACKOUT',
      backoutThreshold: 3,
      batchSize: 100,
    });
  });

  it.each([
    ['MQ_QUEUE', ''],
    ['MQ_BACKOUT_QUEUE', 'DEV.ITEMS'],
    ['MQ_BACKOUT_QUEUE', 'has space'],
    ['PORT', 'http'],
    ['MQ_BATCH_SIZE', '0'],
    ['MQ_BACKOUT_THRESHOLD', '-1'],
    ['ITEMS_TOPIC', 'no spaces'],
    ['LOG_LEVEL', 'loud'],
  ])('names %s when it is "%s"', (variable, value) => {
    expect(() => bridgeSettingsFromEnv({ ...QUEUES, [variable]: value })).toThrow(
      expect.objectContaining({
        variable,
        retriable: false,
        message: expect.stringMatching(new RegExp(`^${variable} `)),
      }),
    );
  });
});
