import {
  Consumed,
  Grouped,
  Materialized,
  pair,
  Produced,
  Serdes,
  StreamsBuilder,
  TimeWindows,
  WindowedSerdes,
} from '../index';
import { TopologyTestDriver } from '../testing';

const S = Serdes.String();
const L = Serdes.Long();
const strings = Consumed.with(S, S);

describe('aggregations through the TopologyTestDriver', () => {
  it('count, reduce and aggregate keep one value per key, stored and emitted', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream('in', strings).groupByKey();
    grouped.count(Materialized.as('counts')).toStream().to('counts', Produced.with(S, L));
    grouped
      .reduce((a, v) => a + v, Materialized.as('concat'))
      .toStream()
      .to('concat', Produced.with(S, S));
    grouped
      .aggregate(
        () => 100,
        (_k, v, agg) => agg + v.length,
        Materialized.as<string, number>('lengths').withValueSerde(L),
      )
      .toStream()
      .to('lengths', Produced.with(S, L));
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeKeyValueList([pair('a', 'x'), pair('b', 'yy'), pair('a', 'zzz')]);

    expect(driver.createOutputTopic('counts', S, L).readKeyValuesToList()).toEqual([
      pair('a', 1),
      pair('b', 1),
      pair('a', 2),
    ]);
    expect(driver.createOutputTopic('concat', S, S).readValuesToList()).toEqual(['x', 'yy', 'xzzz']);
    expect(driver.createOutputTopic('lengths', S, L).readKeyValuesToMap()).toEqual(
      new Map([
        ['a', 104],
        ['b', 102],
      ]),
    );
    expect(driver.getKeyValueStore<string, number>('counts').get('a')).toBe(2);
    expect(driver.getKeyValueStore<string, number>('counts').all()).toEqual([pair('a', 2), pair('b', 1)]);
  });

  it('writes every store change to <application.id>-<store>-changelog', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings).groupByKey().count(Materialized.as('counts'));
    const driver = new TopologyTestDriver(builder.build(), { 'application.id': 'app' });
    driver.createInputTopic('in', S, S).pipeKeyValueList([pair('a', '1'), pair('a', '2')]);
    expect(driver.createOutputTopic('app-counts-changelog', S, L).readKeyValuesToList()).toEqual([
      pair('a', 1),
      pair('a', 2),
    ]);
  });

  it('skips null keys in aggregations and counts them as dropped', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', strings).groupByKey().count(Materialized.as('counts'));
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', S, S).pipeInput(null, 'v');
    expect(driver.getKeyValueStore('counts').approximateNumEntries()).toBe(0);
    expect(driver.metrics()['streams.records.dropped']).toBe(1);
  });
});

describe('windowed aggregation', () => {
  const windowed = WindowedSerdes.timeWindowed(S, 10);

  function windowedCount(windows: TimeWindows, retentionMs?: number) {
    const builder = new StreamsBuilder();
    const mat = Materialized.as<string, number>('win');
    builder
      .stream('in', strings)
      .groupByKey()
      .windowedBy(windows)
      .count(retentionMs === undefined ? mat : mat.withRetention(retentionMs))
      .toStream()
      .to('out', Produced.with(windowed, L));
    const driver = new TopologyTestDriver(builder.build());
    return {
      driver,
      input: driver.createInputTopic('in', S, S),
      output: driver.createOutputTopic('out', windowed, L),
    };
  }

  it('counts per tumbling window and accepts late records within the grace period', () => {
    const { driver, input, output } = windowedCount(TimeWindows.ofSizeAndGrace(10, 5));
    input.pipeInput('a', '1', 1);
    input.pipeInput('a', '2', 12); // stream time 12: window [0,10) closes at 15
    input.pipeInput('a', '3', 9); // late but within grace: accepted
    const records = output.readKeyValuesToList();
    expect(records.map((r) => [r.key?.window.start, r.value])).toEqual([
      [0, 1],
      [10, 1],
      [0, 2],
    ]);
    expect(driver.getWindowStore<string, number>('win').fetch('a', 0)).toBe(2);
    expect(driver.metrics()['streams.records.dropped']).toBe(0);
  });

  it('drops records later than the grace period and counts them', () => {
    const { driver, input, output } = windowedCount(TimeWindows.ofSizeAndGrace(10, 5));
    input.pipeInput('a', '1', 1);
    input.pipeInput('a', '2', 15); // closes [0,10)
    input.pipeInput('a', 'late', 3);
    expect(output.readKeyValuesToList().map((r) => [r.key?.window.start, r.value])).toEqual([
      [0, 1],
      [10, 1],
    ]);
    expect(driver.getWindowStore<string, number>('win').fetch('a', 0)).toBe(1);
    expect(driver.metrics()['streams.records.dropped']).toBe(1);
  });

  it('with no grace drops a record as soon as stream time passes its window end', () => {
    const { driver, input } = windowedCount(TimeWindows.ofSizeWithNoGrace(10));
    input.pipeInput('a', '1', 10);
    input.pipeInput('a', 'late', 9);
    expect(driver.metrics()['streams.records.dropped']).toBe(1);
  });

  it('puts a record in every hopping window that contains it', () => {
    const { input, output } = windowedCount(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5));
    input.pipeInput('a', '1', 7);
    expect(output.readKeyValuesToList().map((r) => r.key?.window)).toEqual([
      { start: 0, end: 10 },
      { start: 5, end: 15 },
    ]);
  });

  it('expires windows older than the retention period', () => {
    const { driver, input } = windowedCount(TimeWindows.ofSizeAndGrace(10, 0), 20);
    input.pipeInput('a', '1', 1);
    expect(driver.getWindowStore<string, number>('win').fetch('a', 0)).toBe(1);
    input.pipeInput('a', '2', 35);
    expect(driver.getWindowStore<string, number>('win').fetch('a', 0)).toBeUndefined();
    expect(driver.getWindowStore<string, number>('win').fetchRange('a', 0, 100)).toEqual([
      { windowStart: 30, value: 1 },
    ]);
  });

  it('rejects a retention shorter than size + grace', () => {
    const builder = new StreamsBuilder();
    const windowedStream = builder
      .stream('in', strings)
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 5));
    expect(() => windowedStream.count(Materialized.as<string, number>('w').withRetention(12))).toThrow(
      /at least window size \+ grace/,
    );
  });
});

describe('tables and stream-table joins', () => {
  function joinTopology(left: boolean) {
    const builder = new StreamsBuilder();
    const prices = builder.table('prices', Consumed.with(S, L), Materialized.as('prices'));
    const orders = builder.stream('orders', strings);
    const joined = left
      ? orders.leftJoin(prices, (qty, price) => `${qty}x${price ?? 'none'}`)
      : orders.join(prices, (qty, price) => `${qty}x${price}`);
    joined.to('out', Produced.with(S, S));
    return new TopologyTestDriver(builder.build());
  }

  it('join enriches stream records with the current table value and drops unmatched ones', () => {
    const driver = joinTopology(false);
    const prices = driver.createInputTopic('prices', S, L);
    const orders = driver.createInputTopic('orders', S, S);
    orders.pipeInput('apple', '1'); // no price yet: dropped
    prices.pipeInput('apple', 3);
    orders.pipeInput('apple', '2');
    prices.pipeInput('apple', 4);
    orders.pipeInput('apple', '5');
    prices.pipeInput('apple', null); // deletion
    orders.pipeInput('apple', '6');
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['2x3', '5x4']);
  });

  it('leftJoin passes null for keys missing from the table', () => {
    const driver = joinTopology(true);
    driver.createInputTopic('orders', S, S).pipeInput('pear', '1');
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['1xnone']);
  });

  it('repartitions a re-keyed stream before joining', () => {
    const builder = new StreamsBuilder();
    const prices = builder.table('prices', Consumed.with(S, L), Materialized.as('prices'));
    builder
      .stream('orders', strings)
      .selectKey((_, v) => v)
      .join(prices, (v, price) => `${v}=${price}`)
      .to('out', Produced.with(S, S));
    const topology = builder.build();
    expect(topology.describe()).toContain('-repartition');
    const driver = new TopologyTestDriver(topology);
    driver.createInputTopic('prices', S, L).pipeInput('kiwi', 7);
    driver.createInputTopic('orders', S, S).pipeInput('order-1', 'kiwi');
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([pair('kiwi', 'kiwi=7')]);
  });

  it('KTable filter, mapValues and toStream forward changes, with deletions as null', () => {
    const builder = new StreamsBuilder();
    builder
      .table('prices', Consumed.with(S, L), Materialized.as('prices'))
      .filter((_, price) => price > 2)
      .mapValues((price) => price * 10, Materialized.as<string, number>('scaled').withValueSerde(L))
      .toStream()
      .to('out', Produced.with(S, L));
    const driver = new TopologyTestDriver(builder.build());
    const prices = driver.createInputTopic('prices', S, L);
    prices.pipeInput('a', 1); // filtered out: nothing downstream
    prices.pipeInput('b', 5);
    prices.pipeInput('b', 1); // now filtered: downstream learns b is gone
    expect(driver.createOutputTopic('out', S, L).readKeyValuesToList()).toEqual([
      pair('b', 50),
      pair('b', null),
    ]);
    expect(driver.getKeyValueStore<string, number>('scaled').get('b')).toBeUndefined();
  });

  it('groupBy with serdes from Grouped feeds a table that can be joined', () => {
    const builder = new StreamsBuilder();
    const totals = builder
      .stream('sales', strings)
      .groupBy((_, v) => v.split(':')[0] as string, Grouped.with(S, S))
      .count(Materialized.as('totals'));
    builder
      .stream('queries', strings)
      .join(totals, (_v, n) => String(n))
      .to('answers', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('sales', S, S).pipeKeyValueList([pair('1', 'x:1'), pair('2', 'x:2')]);
    driver.createInputTopic('queries', S, S).pipeInput('x', '?');
    expect(driver.createOutputTopic('answers', S, S).readKeyValuesToList()).toEqual([pair('x', '2')]);
  });
});
