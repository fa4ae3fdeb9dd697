import { simulatorSettingsFromEnv } from './simulator.config';

describe('simulator settings', () => {
  it('has working defaults', () => {
    expect(simulatorSettingsFromEnv({})).toMatchObject({ port: 3001, itemsTopic: 'items', batchSize: 500 });
  });

  it.each([
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['SIMULATOR_BATCH_SIZE', '0'],
    ['ITEMS_TOPIC', 'no spaces'],
    ['LOG_LEVEL', 'loud'],
  ])('names %s when it is "%s"', (variable, value) => {
    expect(() => simulatorSettingsFromEnv({ [variable]: value })).toThrow(
      expect.objectContaining({ variable, retriable: false, message: expect.stringContaining(variable) }),
    );
  });
});
