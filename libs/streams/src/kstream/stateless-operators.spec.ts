import { Consumed, Grouped, Named, Produced, Branched, pair, Serdes, StreamsBuilder } from '../index';
import { TopologyTestDriver } from '../testing';

const S = Serdes.String();
const strings = Consumed.with(S, S);

function run(build: (b: StreamsBuilder) => void, input: Array<[string | null, string]>, outputTopic = 'out') {
  const builder = new StreamsBuilder();
  build(builder);
  const driver = new TopologyTestDriver(builder.build());
  const topic = driver.createInputTopic('in', S, S);
  for (const [k, v] of input) topic.pipeInput(k, v);
  const out = driver.createOutputTopic(outputTopic, S, S).readKeyValuesToList();
  driver.close();
  return out;
}

describe('KStream stateless operators through the TopologyTestDriver', () => {
  it('filter and filterNot keep complementary records', () => {
    const input: Array<[string, string]> = [
      ['a', '1'],
      ['b', '22'],
      ['c', '333'],
    ];
    const kept = run(
      (b) =>
        b
          .stream('in', strings)
          .filter((_, v) => v.length > 1)
          .to('out'),
      input,
    );
    const dropped = run(
      (b) =>
        b
          .stream('in', strings)
          .filterNot((_, v) => v.length > 1)
          .to('out'),
      input,
    );
    expect(kept).toEqual([pair('b', '22'), pair('c', '333')]);
    expect(dropped).toEqual([pair('a', '1')]);
  });

  it('map, mapValues and selectKey change keys and values', () => {
    const mapped = run(
      (b) =>
        b
          .stream('in', strings)
          .map((k, v) => pair(v, k))
          .to('out', Produced.with(S, S)),
      [['k', 'v']],
    );
    const values = run(
      (b) =>
        b
          .stream('in', strings)
          .mapValues((v, k) => `${k}:${v.toUpperCase()}`)
          .to('out', Produced.with(S, S)),
      [['k', 'v']],
    );
    const rekeyed = run(
      (b) =>
        b
          .stream('in', strings)
          .selectKey((_, v) => v[0] as string)
          .to('out', Produced.with(S, S)),
      [['k', 'xyz']],
    );
    expect(mapped).toEqual([pair('v', 'k')]);
    expect(values).toEqual([pair('k', 'k:V')]);
    expect(rekeyed).toEqual([pair('x', 'xyz')]);
  });

  it('flatMap and flatMapValues emit zero or more records per input', () => {
    const flat = run(
      (b) =>
        b
          .stream('in', strings)
          .flatMap((k, v) => v.split(' ').map((w) => pair(w, k)))
          .to('out', Produced.with(S, S)),
      [
        ['k', 'a b'],
        ['j', ''],
      ],
    );
    const flatValues = run(
      (b) =>
        b
          .stream('in', strings)
          .flatMapValues((v) => v.split(' ').filter(Boolean))
          .to('out', Produced.with(S, S)),
      [['k', 'x y z']],
    );
    expect(flat).toEqual([pair('a', 'k'), pair('b', 'k'), pair('', 'j')]);
    expect(flatValues).toEqual([pair('k', 'x'), pair('k', 'y'), pair('k', 'z')]);
  });

  it('peek sees every record and passes it on unchanged', () => {
    const seen: string[] = [];
    const out = run(
      (b) =>
        b
          .stream('in', strings)
          .peek((k, v) => seen.push(`${k}=${v}`))
          .to('out'),
      [
        ['a', '1'],
        ['b', '2'],
      ],
    );
    expect(seen).toEqual(['a=1', 'b=2']);
    expect(out).toEqual([pair('a', '1'), pair('b', '2')]);
  });

  it('merge interleaves two streams in processing order', () => {
    const builder = new StreamsBuilder();
    const left = builder.stream('left', strings);
    const right = builder.stream('right', strings);
    left.merge(right).to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('left', S, S).pipeInput('l', '1');
    driver.createInputTopic('right', S, S).pipeInput('r', '2');
    driver.createInputTopic('left', S, S).pipeInput('l', '3');
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['1', '2', '3']);
  });

  it('split routes each record to the first matching branch, else the default', () => {
    const builder = new StreamsBuilder();
    const branches = builder
      .stream('in', strings)
      .split(Named.as('len-'))
      .branch((_, v) => v.length === 1, Branched.as('one'))
      .branch((_, v) => v.length <= 2, Branched.as('two'))
      .defaultBranch(Branched.as('long'));
    expect([...branches.keys()]).toEqual(['len-one', 'len-two', 'len-long']);
    for (const [name, stream] of branches) stream.to(name);
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', S, S);
    for (const v of ['a', 'bb', 'c', 'dddd']) input.pipeInput('k', v);
    expect(driver.createOutputTopic('len-one', S, S).readValuesToList()).toEqual(['a', 'c']);
    expect(driver.createOutputTopic('len-two', S, S).readValuesToList()).toEqual(['bb']);
    expect(driver.createOutputTopic('len-long', S, S).readValuesToList()).toEqual(['dddd']);
  });

  it('keeps timestamps and headers of the input record', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', strings)
      .mapValues((v) => v + '!')
      .to('out', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', S, S).pipeInput('k', 'v', 1234, { 'x-tenant': 'acme' });
    const record = driver.createOutputTopic('out', S, S).readRecord();
    expect(record).toMatchObject({ key: 'k', value: 'v!', timestamp: 1234 });
    expect(record.headers['x-tenant']?.toString()).toBe('acme');
  });

  it('refuses to write a stream whose value type changed without serdes', () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream('in', strings).mapValues((v) => v.length);
    expect(() => stream.to('out')).toThrow(/needs serdes.*Produced.with/);
    expect(() => stream.to('out', Produced.with(S, Serdes.Long()))).not.toThrow();
  });

  it('groupBy then count goes through <application.id>-<name>-repartition', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', strings)
      .groupBy((_, v) => v, Grouped.with(S, S).withName('by-value'))
      .count()
      .toStream()
      .to('out', Produced.with(S, Serdes.Long()));
    const topology = builder.build();
    const driver = new TopologyTestDriver(topology, { 'application.id': 'wc' });
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('1', 'x');
    input.pipeInput('2', 'y');
    input.pipeInput('3', 'x');
    expect(driver.createOutputTopic('out', S, Serdes.Long()).readKeyValuesToList()).toEqual([
      pair('x', 1),
      pair('y', 1),
      pair('x', 2),
    ]);
    // The repartition topic carries the re-keyed records.
    expect(driver.createOutputTopic('wc-by-value-repartition', S, S).readKeyValuesToList()).toEqual([
      pair('x', 'x'),
      pair('y', 'y'),
      pair('x', 'x'),
    ]);
    expect(topology.describe()).toContain('Sink: by-value-repartition-sink (topic: by-value-repartition)');
    expect(topology.describe()).toMatch(
      /Sub-topology: 1\n {4}Source: by-value-repartition-source \(topics: \[by-value-repartition\]\)/,
    );
  });

  it('groupByKey without a key change does not repartition', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', strings)
      .filter(() => true)
      .groupByKey()
      .count(); // no repartition needed
    expect(builder.build().describe()).not.toContain('repartition');
  });
});
