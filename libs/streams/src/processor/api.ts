import type { StreamsMetrics } from '../telemetry/metrics';

/**
 * The Processor API: the low-level layer the DSL compiles to, usable
 * directly through {@link Topology.addProcessor}. Mirrors Kafka Streams'
 * `org.apache.kafka.streams.processor.api` (KIP-478).
 */

/** Record headers as they travel through a topology (kafkajs header values, normalised). */
export type RecordHeaders = Readonly<Record<string, Buffer | string>>;

/** One record flowing through a topology. Immutable: derive a new one to change it. */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  /** Event time in epoch milliseconds; drives stream time, windows and retention. */
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/** Where the record being processed came from. Undefined inside a punctuation. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Whether a punctuation follows stream time (record timestamps) or the wall clock. */
export enum PunctuationType {
  STREAM_TIME = 'STREAM_TIME',
  WALL_CLOCK_TIME = 'WALL_CLOCK_TIME',
}

/** Called by a scheduled punctuation with the time it fired at. */
export type Punctuator = (timestamp: number) => void;

/** Handle returned by {@link ProcessorContext.schedule}. */
export interface Cancellable {
  cancel(): void;
}

/**
 * Where the engine and processors log (Kafka Streams logs through SLF4J).
 * pino's and most structured loggers' `(fields, message)` methods fit as
 * they are; the default discards everything.
 */
export interface StreamsLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** A logger that discards everything (the default). */
export const silentStreamsLogger: StreamsLogger = { warn: () => undefined };

/** What a processor sees of its task. */
export interface ProcessorContext<KOut = unknown, VOut = unknown> {
  readonly applicationId: string;
  /** `<subtopology>_<partition>`, as in Kafka Streams. */
  readonly taskId: string;
  /** Metadata of the input record being processed, if any. */
  recordMetadata(): RecordMetadata | undefined;
  /** Sends a record to every child, or to the named child only. */
  forward<K extends KOut, V extends VOut>(record: StreamRecord<K, V>, childName?: string): void;
  /** A store connected to this processor (see `Topology.addStateStore`). */
  getStateStore<S>(name: string): S;
  /** Runs `punctuator` every `intervalMs` of stream time or wall-clock time. */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** Highest record timestamp this task has seen (-1 before the first record). */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /** The instance's metrics; processors count dropped records here. */
  readonly metrics: StreamsMetrics;
  /** The instance's logger (`logger` in the config; silent by default). */
  readonly logger: StreamsLogger;
}

/** A record processor. One instance per task; `init` runs before the first record. */
export interface Processor<KIn, VIn, KOut = unknown, VOut = unknown> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}

/** Creates a fresh processor for each task. */
export type ProcessorSupplier<KIn, VIn, KOut = unknown, VOut = unknown> = () => Processor<
  KIn,
  VIn,
  KOut,
  VOut
>;

/**
 * Chooses a record's event time. The default uses the Kafka record timestamp;
 * supply one to use a field of the value instead (Kafka Streams'
 * `TimestampExtractor`). Returning a negative number drops the record.
 */
export type TimestampExtractor = (
  record: { key: unknown; value: unknown; timestamp: number; topic: string; partition: number },
  partitionTime: number,
) => number;

/** The default extractor: the timestamp the producer or broker put on the record. */
export const recordTimestampExtractor: TimestampExtractor = (record) => record.timestamp;
