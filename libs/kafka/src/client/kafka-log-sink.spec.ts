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
