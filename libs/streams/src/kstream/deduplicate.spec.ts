import { Consumed, Deduplicated, Produced, Serdes, StreamsBuilder, TopologyError } from '../index';
import { TopologyTestDriver } from '../testing';

const S = Serdes.String();
const HOUR = 3_600_000;

/** Values are `<id>:<payload>`; the id is the part before the colon. */
function dedupeTopology(windowMs = HOUR) {
  const builder = new StreamsBuilder();
  builder
    .stream('in', Consumed.with(S, S))
    .deduplicate(
      (_key, value) => value.split(':')[0],
      Deduplicated.as<string>('seen-ids').withIdSerde(S).withWindowMs(windowMs),
    )
    .to('out', Produced.with(S, S));
  return builder.build();
}

describe('KStream.deduplicate', () => {
  it('forwards the first record per id and drops its duplicates within the window', () => {
    const driver = new TopologyTestDriver(dedupeTopology(), { 'application.id': 'app' });
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('k', 'a:1', 1_000);
    input.pipeInput('k', 'b:1', 2_000);
    input.pipeInput('k', 'a:1', 1_000); // redelivered as-is
    input.pipeInput('k', 'a:2', 1_000 + HOUR); // same id, exactly one window later
    input.pipeInput('k', 'c:1', 3_000);
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['a:1', 'b:1', 'c:1']);
    expect(driver.metrics()['streams.records.dropped']).toBe(2);
  });

  it('counts an id again once it is further than the window from its first sighting', () => {
    const driver = new TopologyTestDriver(dedupeTopology(), { 'application.id': 'app' });
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('k', 'a:1', 1_000);
    input.pipeInput('k', 'a:2', 1_001 + HOUR);
    input.pipeInput('k', 'z:1', 10 * HOUR); // stream time moves on: 'a' is forgotten
    input.pipeInput('k', 'a:3', 10 * HOUR + 5);
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['a:1', 'a:2', 'z:1', 'a:3']);
  });

  it('logs every remembered id to <application.id>-<store>-changelog, so a restart restores them', () => {
    const driver = new TopologyTestDriver(dedupeTopology(), { 'application.id': 'app' });
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('k', 'a:1', 1_000);
    input.pipeInput('k', 'a:1', 1_000);
    input.pipeInput('k', 'b:1', 2_000);
    expect(driver.producedTopicNames()).toContain('app-seen-ids-changelog');
    expect(driver.outputSize('app-seen-ids-changelog')).toBe(2);
  });

  it('passes records without an id untouched', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', Consumed.with(S, S))
      .deduplicate(
        () => undefined as string | undefined,
        Deduplicated.as<string | undefined>('ids').withIdSerde(S as never),
      )
      .to('out', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('k', 'x', 1);
    input.pipeInput('k', 'x', 1);
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['x', 'x']);
  });

  it('refuses a missing id serde and a non-positive window when the topology is built', () => {
    const stream = new StreamsBuilder().stream('in', Consumed.with(S, S));
    expect(() => stream.deduplicate((_, v) => v, Deduplicated.as<string>('ids'))).toThrow(TopologyError);
    expect(() => Deduplicated.as<string>('ids').withWindowMs(0)).toThrow(/positive integer/);
  });
});
