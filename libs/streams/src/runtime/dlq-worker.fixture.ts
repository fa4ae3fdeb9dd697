/**
 * A streams instance for the dead-letter crash test, run in a child process
 * so the test can `kill -9` it. Sums decimal values per key through a
 * repartition topic; a value that is not a decimal integer cannot be
 * deserialized and goes to the dead-letter topic. Configured by environment
 * variables; the guarantee defaults to exactly_once_v2.
 */
import {
  Consumed,
  Grouped,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  type ProcessingGuarantee,
  type Serde,
} from '../index';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

/** Reads decimal integers only, as a schema-checking serde rejects what it cannot read. */
const strictInt: Serde<number> = {
  serialize: (n) => Buffer.from(String(n)),
  deserialize: (data) => {
    const text = data.toString('utf8');
    if (!/^-?\d+$/.test(text)) throw new TypeError(`not a decimal integer: "${text.slice(0, 40)}"`);
    return Number(text);
  },
};

const S = Serdes.String();
const L = Serdes.Long();
const builder = new StreamsBuilder();
builder
  .stream(env('DLQ_INPUT'), Consumed.with(S, strictInt))
  .groupBy((key) => key, Grouped.with(S, L).withName('by-key'))
  .aggregate(
    () => 0,
    (_k, v, sum) => sum + v,
    Materialized.as<string, number>('sums').withValueSerde(L),
  )
  .toStream()
  .to(env('DLQ_OUTPUT'), Produced.with(S, L));

const streams = new KafkaStreams(builder.build(), {
  'application.id': env('DLQ_APP_ID'),
  'bootstrap.servers': env('DLQ_BROKERS'),
  'processing.guarantee': (process.env['DLQ_GUARANTEE'] ?? 'exactly_once_v2') as ProcessingGuarantee,
  'commit.interval.ms': Number(process.env['DLQ_COMMIT_INTERVAL_MS'] ?? 100),
  'session.timeout.ms': 6000,
  'deserialization.exception.handler': 'dead-letter',
  'errors.dead.letter.queue.topic.name': env('DLQ_TOPIC'),
});
streams.onStateChange((state) => process.stdout.write(`STATE ${state}\n`));
process.once('SIGTERM', () => void streams.close().then(() => process.exit(0)));
void streams.start();
