import { parseSimulateArguments, SimulateArgumentsError } from './simulate-arguments';

describe('simulate arguments', () => {
  it('reads count, seed, rate, stores and skus, in both --name value and --name=value forms', () => {
    expect(
      parseSimulateArguments(['--count', '100', '--seed=42', '--rate', '50', '--stores', '3', '--skus=7']),
    ).toEqual({
      backend: 'kafka',
      count: 100,
      seed: 42,
      ratePerSec: 50,
      stores: 3,
      skus: 7,
    });
  });

  it('selects the MQ backend with --backend mq', () => {
    expect(parseSimulateArguments(['--count', '10', '--backend', 'mq'])).toMatchObject({
      backend: 'mq',
      count: 10,
    });
  });

  it('returns undefined for --help', () => {
    expect(parseSimulateArguments(['--help'])).toBeUndefined();
  });

  it.each([
    [[], '--count is required'],
    [['--count', '0'], 'count must not be less than 1'],
    [['--count', 'x'], 'count must be an integer number'],
    [['--count', '5', '--rate', '0'], 'rate must not be less than 0.1'],
    [['--count', '5', '--seed=-1'], 'seed must not be less than 0'],
    [['--count', '5', '--speed', '9'], "Unknown option '--speed'"],
    [['--count', '5', '--backend', 'rabbitmq'], 'backend must be one of the following values: kafka, mq'],
  ])('rejects %j: %s', (argv, message) => {
    expect(() => parseSimulateArguments(argv)).toThrow(SimulateArgumentsError);
    expect(() => parseSimulateArguments(argv)).toThrow(message);
  });
});
