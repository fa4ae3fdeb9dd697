/**
 * A streams instance for the exactly-once crash test, run in a child process
 * so the test can `kill -9` it. Sums values per key through a repartition
 * topic under exactly_once_v2. Configured by environment variables.
 */
import { Consumed, Grouped, KafkaStreams, Materialized, Produced, Serdes, StreamsBuilder } from '../index';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const S = Serdes.String();
const L = Serdes.Long();
const builder = new StreamsBuilder();
builder
  .stream(env('EOS_INPUT'), Consumed.with(S, S))
  .groupBy((key) => key, Grouped.with(S, S).withName('by-key'))
  .aggregate(
    () => 0,
    (_k, v, sum) => sum + Number(v),
    Materialized.as<string, number>('sums').withValueSerde(L),
  )
  .toStream()
  .to(env('EOS_OUTPUT'), Produced.with(S, L));

const streams = new KafkaStreams(builder.build(), {
  'application.id': env('EOS_APP_ID'),
  'bootstrap.servers': env('EOS_BROKERS'),
  'processing.guarantee': 'exactly_once_v2',
  'commit.interval.ms': 100,
  'session.timeout.ms': 6000,
});
streams.onStateChange((state) => process.stdout.write(`STATE ${state}\n`));
process.once('SIGTERM', () => void streams.close().then(() => process.exit(0)));
void streams.start();
