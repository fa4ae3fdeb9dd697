/**
 * Dead-letter routing (KIP-1034) through the TopologyTestDriver, which runs
 * the runtime's own task code: a record the source serde cannot read, or whose
 * processing throws, goes to the DLQ topic with its original key, value and
 * headers plus the `__streams.errors.*` headers; the records after it are
 * processed; the count shows in the metrics. `fail` and `continue` keep their
 * meaning.
 */
import {
  Consumed,
  DeadLetterHeaders,
  Produced,
  Serdes,
  SerializationError,
  StreamsBuilder,
  StreamsConfigError,
  type Serde,
} from '../index';
import { TopologyTestDriver, type TestDriverConfig } from '../testing';

const S = Serdes.String();
const DLQ = 'in.dlq';

/** Reads decimal integers; anything else throws, as a schema-checking serde would. */
class NotANumberError extends Error {
  override readonly name = 'NotANumberError';
}
const strictInt: Serde<number> = {
  serialize: (n) => Buffer.from(String(n)),
  deserialize: (data) => {
    const text = data.toString('utf8');
    if (!/^-?\d+$/.test(text)) throw new NotANumberError(`not a number: "${text}"`);
    return Number(text);
  },
};

/** `in` (strict ints) -> doubled -> `out`; a value of 13 makes processing throw. */
function driverWith(config: TestDriverConfig): TopologyTestDriver {
  const builder = new StreamsBuilder();
  builder
    .stream('in', Consumed.with(S, strictInt))
    .mapValues((n) => {
      if (n === 13) throw new RangeError('13 is unlucky');
      return n * 2;
    })
    .to('out', Produced.with(S, strictInt));
  return new TopologyTestDriver(builder.build(), config);
}

/** Pipes raw strings, so poison (non-numeric) values can be written. */
function pipeRaw(driver: TopologyTestDriver, records: Array<[string, string]>, headers = {}): void {
  const input = driver.createInputTopic('in', S, S, 1000, 1);
  for (const [k, v] of records) input.pipeInput(k, v, undefined, headers);
}

const text = (v: Buffer | string | undefined) => (v === undefined ? undefined : v.toString());

describe('dead-letter queue (KIP-1034) through the TopologyTestDriver', () => {
  it('routes an undecodable record to the DLQ with its bytes and error headers, and processes the rest', () => {
    const driver = driverWith({
      'deserialization.exception.handler': 'dead-letter',
      'errors.dead.letter.queue.topic.name': DLQ,
    });
    pipeRaw(
      driver,
      [
        ['a', '1'],
        ['b', 'poison'],
        ['c', '3'],
      ],
      { traceparent: 'tp-1' },
    );

    expect(driver.createOutputTopic('out', S, strictInt).readKeyValuesToList()).toEqual([
      { key: 'a', value: 2 },
      { key: 'c', value: 6 },
    ]);
    const dlq = driver.createDeadLetterQueueTopic().readRecordsToList();
    expect(dlq).toHaveLength(1);
    const [dead] = dlq as [(typeof dlq)[number]];
    expect(dead.key).toEqual(Buffer.from('b'));
    expect(dead.value).toEqual(Buffer.from('poison'));
    expect(dead.timestamp).toBe(1001); // the original record's timestamp
    const h = dead.headers;
    expect(text(h[DeadLetterHeaders.EXCEPTION])).toBe('NotANumberError: not a number: "poison"');
    expect(text(h[DeadLetterHeaders.MESSAGE])).toBe('not a number: "poison"');
    expect(text(h[DeadLetterHeaders.STACKTRACE])).toMatch(/^NotANumberError: not a number[^\n]*\n\s+at /);
    expect(text(h[DeadLetterHeaders.TOPIC])).toBe('in');
    expect(text(h[DeadLetterHeaders.PARTITION])).toBe('0');
    expect(text(h[DeadLetterHeaders.OFFSET])).toBe('1');
    expect(text(h['traceparent'])).toBe('tp-1'); // original headers are kept
    expect(driver.metrics()).toMatchObject({
      'streams.records.dead_lettered': 1,
      'streams.records.dropped': 0,
      'streams.records.processed': 2,
    });
    driver.close();
  });

  it('uses the KIP-1034 header names', () => {
    expect(Object.values(DeadLetterHeaders).sort()).toEqual([
      '__streams.errors.exception',
      '__streams.errors.message',
      '__streams.errors.offset',
      '__streams.errors.partition',
      '__streams.errors.stacktrace',
      '__streams.errors.topic',
    ]);
  });

  it('adds the configured extra headers, which cannot replace the KIP-1034 ones', () => {
    const driver = driverWith({
      'deserialization.exception.handler': 'dead-letter',
      'errors.dead.letter.queue.topic.name': DLQ,
      'errors.dead.letter.queue.headers': (c) => ({
        'eda.error.class': c.error.name,
        'eda.original.offset': String(c.offset),
        'eda.reason': c.reason,
        [DeadLetterHeaders.TOPIC]: 'forged',
      }),
    });
    pipeRaw(driver, [
      ['a', 'x'],
      ['b', 'y'],
    ]);
    const dlq = driver.createDeadLetterQueueTopic().readRecordsToList();
    expect(
      dlq.map((r) => [text(r.headers['eda.error.class']), text(r.headers['eda.original.offset'])]),
    ).toEqual([
      ['NotANumberError', '0'],
      ['NotANumberError', '1'],
    ]);
    expect(text(dlq[0]!.headers['eda.reason'])).toBe('deserialization');
    expect(text(dlq[0]!.headers[DeadLetterHeaders.TOPIC])).toBe('in');
    driver.close();
  });

  it('with the processing handler set to dead-letter, routes a record whose processing throws', () => {
    const driver = driverWith({
      'processing.exception.handler': 'dead-letter',
      'errors.dead.letter.queue.topic.name': DLQ,
    });
    pipeRaw(driver, [
      ['a', '1'],
      ['u', '13'],
      ['c', '3'],
    ]);
    expect(driver.createOutputTopic('out', S, strictInt).readValuesToList()).toEqual([2, 6]);
    const [dead] = driver.createDeadLetterQueueTopic().readRecordsToList();
    expect(dead?.value).toEqual(Buffer.from('13'));
    expect(text(dead?.headers[DeadLetterHeaders.EXCEPTION])).toBe('RangeError: 13 is unlucky');
    expect(driver.metrics()['streams.records.dead_lettered']).toBe(1);
    driver.close();
  });

  it('fail (the default) still throws on an undecodable record, and on a processing error', () => {
    const driver = driverWith({ 'errors.dead.letter.queue.topic.name': DLQ });
    expect(() => pipeRaw(driver, [['b', 'poison']])).toThrow(SerializationError);
    expect(() => pipeRaw(driver, [['b', 'poison']])).toThrow(/Cannot deserialize in-0@\d+: not a number/);
    expect(() => pipeRaw(driver, [['u', '13']])).toThrow(RangeError);
    expect(driver.producedTopicNames()).not.toContain(DLQ);
    driver.close();
  });

  it('continue skips and counts an undecodable record, and writes no DLQ record', () => {
    const driver = driverWith({
      'deserialization.exception.handler': 'continue',
      'errors.dead.letter.queue.topic.name': DLQ,
    });
    pipeRaw(driver, [
      ['b', 'poison'],
      ['c', '3'],
    ]);
    expect(driver.createOutputTopic('out', S, strictInt).readValuesToList()).toEqual([6]);
    expect(driver.producedTopicNames()).not.toContain(DLQ);
    expect(driver.metrics()).toMatchObject({
      'streams.records.dropped': 1,
      'streams.records.dead_lettered': 0,
    });
    driver.close();
  });

  it('refuses dead-letter without a DLQ topic, and a DLQ topic the topology reads', () => {
    expect(() => driverWith({ 'deserialization.exception.handler': 'dead-letter' })).toThrow(
      StreamsConfigError,
    );
    expect(() =>
      driverWith({
        'deserialization.exception.handler': 'dead-letter',
        'errors.dead.letter.queue.topic.name': 'in',
      }),
    ).toThrow(/which the topology reads/);
  });
});
