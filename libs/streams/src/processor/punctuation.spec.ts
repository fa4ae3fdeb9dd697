/**
 * Punctuation through the TopologyTestDriver (the task code the runtime
 * runs): stream time advances only with piped record timestamps, wall-clock
 * time only with `advanceWallClockTime`; missed intervals are skipped, not
 * replayed, as in Kafka Streams' PunctuationSchedule.
 */
import { TopologyTestDriver } from '../testing';
import { Serdes } from '../serdes/serde';
import { Stores } from '../state/store-builders';
import { KeyValueStore } from '../state/stores';
import { Cancellable, Processor, ProcessorContext, PunctuationType } from './api';
import { Topology } from './topology';

const S = Serdes.String();

/** Counts records; punctuations report the time they fired at and how many records were seen. */
class Ticker implements Processor<string, string, string, string> {
  private seen = 0;

  init(context: ProcessorContext<string, string>): void {
    const emit = (key: string) => (ts: number) =>
      context.forward({ key, value: `${ts}:${this.seen}`, timestamp: ts, headers: {} });
    context.schedule(1000, PunctuationType.STREAM_TIME, emit('stream'));
    context.schedule(5000, PunctuationType.WALL_CLOCK_TIME, emit('wall'));
  }

  process(): void {
    this.seen++;
  }
}

function tickerTopology(): Topology {
  return new Topology()
    .addSource('in', 'in', { keySerde: S, valueSerde: S })
    .addProcessor('ticker', () => new Ticker(), 'in')
    .addSink('out', 'out', { keySerde: S, valueSerde: S }, 'ticker');
}

describe('punctuation in the TopologyTestDriver', () => {
  it('stream time: fires on the first record, then at each interval boundary crossed by record timestamps', () => {
    const driver = new TopologyTestDriver(tickerTopology(), { initialWallClockMs: 0 });
    const input = driver.createInputTopic('in', S, S);
    const out = driver.createOutputTopic('out', S, S);
    const pipe = (ts: number) => {
      input.pipeInput('k', 'v', ts);
      return out.readKeyValuesToList().map((kv) => `${kv.key}=${kv.value}`);
    };

    expect(pipe(500)).toEqual(['stream=500:1']); // aligned to 0: next boundary is 1000
    expect(pipe(800)).toEqual([]);
    expect(pipe(1000)).toEqual(['stream=1000:3']);
    expect(pipe(300)).toEqual([]); // out of order: stream time stays 1000
    expect(pipe(3700)).toEqual(['stream=3700:5']); // 2000 and 3000 were missed: one punctuation, not three
    expect(pipe(3999)).toEqual([]);
    expect(pipe(4000)).toEqual(['stream=4000:7']);

    driver.advanceWallClockTime(4999); // wall clock does not move stream time
    expect(out.readKeyValuesToList()).toEqual([]);
    driver.close();
  });

  it('wall clock: fires when the driver advances the clock past each interval, never on records', () => {
    const driver = new TopologyTestDriver(tickerTopology(), { initialWallClockMs: 10_000 });
    const input = driver.createInputTopic('in', S, S);
    const out = driver.createOutputTopic('out', S, S);
    const values = () =>
      out
        .readKeyValuesToList()
        .filter((kv) => kv.key === 'wall')
        .map((kv) => kv.value);

    input.pipeInput('k', 'v', 50_000); // stream time far ahead: irrelevant to wall-clock schedules
    expect(values()).toEqual([]);
    driver.advanceWallClockTime(4_999);
    expect(values()).toEqual([]);
    driver.advanceWallClockTime(1);
    expect(values()).toEqual(['15000:1']);
    driver.advanceWallClockTime(12_000); // 20000 and 25000 missed: fires once, at 27000
    expect(values()).toEqual(['27000:1']);
    driver.advanceWallClockTime(2_999);
    expect(values()).toEqual([]);
    driver.advanceWallClockTime(1);
    expect(values()).toEqual(['30000:1']);
    driver.close();
  });

  it('a punctuator can read and clear a store and forward through the sink; cancel stops it', () => {
    /** Sums values per key; every 10 s of wall clock, emits the sums and clears them, three times. */
    class Batcher implements Processor<string, string, string, string> {
      private store!: KeyValueStore<string, number>;
      private fired = 0;
      private schedule!: Cancellable;

      init(context: ProcessorContext<string, string>): void {
        this.store = context.getStateStore('sums');
        this.schedule = context.schedule(10_000, PunctuationType.WALL_CLOCK_TIME, (ts) => {
          for (const { key, value } of this.store.all()) {
            context.forward({ key, value: String(value), timestamp: ts, headers: {} });
            this.store.delete(key);
          }
          if (++this.fired === 3) this.schedule.cancel();
        });
      }

      process(record: { key: string; value: string }): void {
        this.store.put(record.key, (this.store.get(record.key) ?? 0) + Number(record.value));
      }
    }
    const topology = new Topology()
      .addSource('in', 'in', { keySerde: S, valueSerde: S })
      .addProcessor('batcher', () => new Batcher(), 'in')
      .addStateStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('sums'), S, Serdes.Long()),
        'batcher',
      )
      .addSink('out', 'out', { keySerde: S, valueSerde: S }, 'batcher');
    const driver = new TopologyTestDriver(topology);
    const input = driver.createInputTopic('in', S, S);
    const out = driver.createOutputTopic('out', S, S);

    input.pipeInput('a', '1');
    input.pipeInput('b', '2');
    input.pipeInput('a', '3');
    expect(out.isEmpty()).toBe(true);
    driver.advanceWallClockTime(10_000);
    expect(out.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['a', '4', 10_000],
      ['b', '2', 10_000],
    ]);
    expect(driver.getKeyValueStore('sums').approximateNumEntries()).toBe(0);

    input.pipeInput('a', '5');
    driver.advanceWallClockTime(10_000);
    expect(out.readKeyValuesToList()).toEqual([{ key: 'a', value: '5' }]);
    driver.advanceWallClockTime(10_000); // third firing (nothing to emit), then cancelled
    input.pipeInput('c', '1');
    driver.advanceWallClockTime(30_000);
    expect(out.isEmpty()).toBe(true);
    expect(driver.getKeyValueStore<string, number>('sums').get('c')).toBe(1);
    driver.close();
  });
});
