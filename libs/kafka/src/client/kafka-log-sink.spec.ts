import { logLevel, type LogEntry } from 'kafkajs';
import { kafkaLogCreator } from './kafka-client-factory';
import { kafkaLogSinkFrom, type StructuredMessageLogger } from './kafka-log-sink';

/** Records what reached each method, as a Nest Logger would pass it to nestjs-pino. */
function recordingLogger(): StructuredMessageLogger & { lines: Array<[string, object]> } {
  const lines: Array<[string, object]> = [];
  return {
    lines,
    error: (message) => lines.push(['error', message]),
    warn: (message) => lines.push(['warn', message]),
    log: (message) => lines.push(['log', message]),
    debug: (message) => lines.push(['debug', message]),
  };
}

describe('kafkaLogSinkFrom', () => {
  it('writes the message and the kafkajs fields as one structured line', () => {
    const logger = recordingLogger();
    kafkaLogSinkFrom(logger).error({ broker: '127.0.0.1:9092', retryCount: 2 }, 'Connection error');
    expect(logger.lines).toEqual([
      ['error', { msg: 'Connection error', broker: '127.0.0.1:9092', retryCount: 2 }],
    ]);
  });

  it('maps kafkajs info to the logger’s log, and keeps every other level', () => {
    const logger = recordingLogger();
    const sink = kafkaLogSinkFrom(logger);
    sink.warn({}, 'w');
    sink.info({}, 'i');
    sink.debug({}, 'd');
    expect(logger.lines.map(([level, message]) => [level, (message as { msg: string }).msg])).toEqual([
      ['warn', 'w'],
      ['log', 'i'],
      ['debug', 'd'],
    ]);
  });
});

describe('kafkaLogCreator: routine kafkajs entries at debug (quiet start-up)', () => {
  const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}): LogEntry => ({
    namespace: 'Connection',
    level,
    label: logLevel[level] as string,
    log: { timestamp: '2026-12-07T00:00:00.000Z', message, ...extra },
  });
  const levelsOf = (entries: LogEntry[]) => {
    const logger = recordingLogger();
    const log = kafkaLogCreator(kafkaLogSinkFrom(logger))(logLevel.DEBUG);
    for (const e of entries) log(e);
    return logger.lines.map(([level, message]) => [
      level,
      (message as { routine?: string }).routine !== undefined,
    ]);
  };

  it('logs a coordinator still loading and the bounded-retries notice at debug, with the reason', () => {
    expect(
      levelsOf([
        entry(logLevel.ERROR, 'Response JoinGroup(key: 11, version: 5)', {
          error: 'The group coordinator is not available',
        }),
        entry(logLevel.ERROR, 'Response FindCoordinator(key: 10, version: 2)', {
          error: 'This is not the correct coordinator for this group',
        }),
        entry(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'),
      ]),
    ).toEqual([
      ['debug', true],
      ['debug', true],
      ['debug', true],
    ]);
  });

  it('logs a transaction still completing (CONCURRENT_TRANSACTIONS), response and send retry, at debug', () => {
    const concurrent =
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
    expect(
      levelsOf([
        entry(logLevel.ERROR, 'Response AddPartitionsToTxn(key: 24, version: 1)', { error: concurrent }),
        {
          ...entry(logLevel.ERROR, `Failed to send messages: ${concurrent}`, { retryCount: 0 }),
          namespace: 'Producer',
        },
        entry(logLevel.ERROR, 'Failed to send messages: Topic authorization failed', { retryCount: 0 }),
      ]),
    ).toEqual([
      ['debug', true],
      ['debug', true],
      ['error', false],
    ]);
  });

  it('keeps every other error and warning at its level', () => {
    expect(
      levelsOf([
        entry(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', {
          error: 'Topic authorization failed',
        }),
        entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
        entry(logLevel.WARN, 'The group is rebalancing, re-joining'),
      ]),
    ).toEqual([
      ['error', false],
      ['error', false],
      ['warn', false],
    ]);
  });
});
