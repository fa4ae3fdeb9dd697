import { parseDlqReplayArguments } from './dlq-replay-arguments';

describe('dlq-replay arguments', () => {
  it('reads the DLQ, the filter and the dry run', () => {
    expect(
      parseDlqReplayArguments([
        '--dlq',
        'store.inventory.dlq',
        '--error-class',
        'UnknownSchemaIdError',
        '--limit',
        '5',
        '--dry-run',
      ]),
    ).toEqual({
      deadLetterTopic: 'store.inventory.dlq',
      filter: { errorClass: 'UnknownSchemaIdError', limit: 5 },
      dryRun: true,
    });
    expect(parseDlqReplayArguments(['--help'])).toBeUndefined();
  });

  it.each([
    [[], /--dlq TOPIC is required/],
    [['--dlq', 'x', '--limit', '0'], /--limit must be an integer >= 1/],
    [['--dlq', 'x', '--colour', 'red'], /Unknown option '--colour'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDlqReplayArguments(argv as string[])).toThrow(message);
  });
});
