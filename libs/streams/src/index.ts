/**
 * @eda/streams: Kafka Streams' model on kafkajs.
 *
 * - DSL: {@link StreamsBuilder}, {@link KStream}, {@link KTable}, grouped and windowed aggregation.
 * - Processor API: {@link Topology}, {@link Processor}.
 * - Runtime: {@link KafkaStreams} (tasks, changelog-backed stores, exactly-once, interactive queries).
 * - Testing: `@eda/streams/testing` (TopologyTestDriver).
 */
export * from './errors';
export { Serdes, type Serde } from './serdes/serde';
export { WindowedSerdes } from './serdes/windowed-serde';
export {
  PunctuationType,
  recordTimestampExtractor,
  silentStreamsLogger,
  type Cancellable,
  type Processor,
  type ProcessorContext,
  type ProcessorSupplier,
  type Punctuator,
  type RecordHeaders,
  type RecordMetadata,
  type StreamRecord,
  type StreamsLogger,
  type TimestampExtractor,
} from './processor/api';
export {
  Topology,
  changelogTopicName,
  type SinkOptions,
  type SourceOptions,
  type InternalTopicKind,
} from './processor/topology';
export type {
  KeyValue,
  KeyValueStore,
  ReadOnlyKeyValueStore,
  ReadOnlyWindowStore,
  StateStore,
  TimeWindow,
  Windowed,
  WindowStore,
  WindowValue,
} from './state/stores';
export {
  Stores,
  StoreBuilder,
  DEFAULT_CACHE_MAX_ENTRIES,
  type KeyValueBytesStoreSupplier,
  type WindowBytesStoreSupplier,
} from './state/store-builders';
export { StreamsBuilder } from './kstream/streams-builder';
export {
  pair,
  type Aggregator,
  type BranchedKStream,
  type Initializer,
  type KeyValueMapper,
  type KGroupedStream,
  type KStream,
  type KTable,
  type Predicate,
  type Reducer,
  type TimeWindowedKStream,
  type ValueJoiner,
  type ValueMapper,
} from './kstream/kstream';
export {
  Branched,
  Consumed,
  Grouped,
  Materialized,
  Named,
  Produced,
  type StoreType,
} from './kstream/options';
export { TimeWindows } from './kstream/time-windows';
export { Deduplicated } from './kstream/deduplicated';
export { StreamsMetrics, TotalCounter, METER_NAME } from './telemetry/metrics';
export { TRACER_NAME } from './telemetry/tracing';
export { KafkaStreams, type KeyQueryMetadata } from './runtime/kafka-streams';
export { StreamsState, type StateListener } from './runtime/streams-state';
export type { StreamsConfig, ProcessingGuarantee } from './runtime/streams-config';
export type {
  DeadLetterContext,
  DeadLetterHeadersFn,
  DeadLetterReason,
  DeserializationErrorPolicy,
  ProcessingErrorPolicy,
} from './processor/error-handling';
export {
  DeadLetterHeaders,
  MAX_MESSAGE_LENGTH as DEAD_LETTER_MAX_MESSAGE_LENGTH,
  MAX_STACKTRACE_LENGTH as DEAD_LETTER_MAX_STACKTRACE_LENGTH,
} from './processor/internals/dead-letter-queue';
