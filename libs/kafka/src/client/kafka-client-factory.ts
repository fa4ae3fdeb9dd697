/**
 * Factories for the kafkajs clients every app builds the same way: one
 * `Kafka` per process from a validated {@link KafkaClientConfig}, logs routed
 * into the app's structured logger, and producers that are idempotent with
 * `acks=all` unless a caller knowingly opts out.
 */
import {
  Consumer,
  ConsumerConfig,
  Kafka,
  KafkaConfig,
  logLevel,
  LogEntry,
  Partitioners,
  Producer,
  ProducerConfig,
} from 'kafkajs';
import { createConfluentKafka } from './confluent/confluent-kafka';
import { KafkaClientConfig, toKafkaJsConfig } from './kafka-client-config';
import { createPlatformaticKafka } from './platformatic/platformatic-kafka';
import type { KafkaLogSink } from './kafka-log-sink';

export type { KafkaLogSink } from './kafka-log-sink';

/** Options of {@link createKafkaClient}. */
export interface KafkaClientOptions {
  /** Where kafkajs logs go; kafkajs's own console logger when omitted. */
  readonly logger?: KafkaLogSink;
  /** Lowest kafkajs level forwarded. Defaults to WARN: kafkajs is chatty at INFO. */
  readonly logLevel?: logLevel;
}

/**
 * Creates the process's `Kafka` client: kafkajs, or with
 * `config.library === 'confluent'` Confluent's client, or with `'platformatic'`
 * @platformatic/kafka, behind the same interface (see
 * confluent/confluent-kafka.ts and platformatic/platformatic-kafka.ts for what
 * each covers).
 */
export function createKafkaClient(config: KafkaClientConfig, options: KafkaClientOptions = {}): Kafka {
  // kafkajs 2 prints a one-off notice about its default partitioner; we choose it explicitly below.
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
  const sink = options.logger;
  if (config.library === 'confluent') return createConfluentKafka(config, sink);
  if (config.library === 'platformatic') return createPlatformaticKafka(config, sink);
  return new Kafka({
    ...toKafkaJsConfig(config),
    logLevel: options.logLevel ?? logLevel.WARN,
    ...(sink ? { logCreator: kafkaLogCreator(sink) } : {}),
  });
}

/**
 * The kafkajs `logCreator` {@link createKafkaClient} installs, for clients built
 * elsewhere (the streams engine's): entries go to `sink` at their level, but
 * the routine ones kafkajs logs as problems go at debug, with the reason.
 */
export function kafkaLogCreator(sink: KafkaLogSink): NonNullable<KafkaConfig['logCreator']> {
  return () => (entry: LogEntry) => forwardLog(sink, entry);
}

/**
 * The producer settings of this blueprint: idempotent (KIP-98), so a retried
 * batch is not written twice, which implies `acks=all` on every send and at
 * most one in-flight request per broker, because kafkajs does not re-order
 * retried batches across several in-flight requests.
 */
export const IDEMPOTENT_PRODUCER_CONFIG: Readonly<ProducerConfig> = Object.freeze({
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
});

/** `acks` value meaning "all in-sync replicas", the only one valid with an idempotent producer. */
export const ACKS_ALL = -1;

/** An idempotent producer (see {@link IDEMPOTENT_PRODUCER_CONFIG}); `overrides` win. Not yet connected. */
export function createIdempotentProducer(kafka: Kafka, overrides: ProducerConfig = {}): Producer {
  return kafka.producer({ ...IDEMPOTENT_PRODUCER_CONFIG, ...overrides });
}

/** A consumer in `groupId` that never creates topics; `overrides` win. Not yet connected. */
export function createConsumer(
  kafka: Kafka,
  groupId: string,
  overrides: Partial<Omit<ConsumerConfig, 'groupId'>> = {},
): Consumer {
  return kafka.consumer({ groupId, allowAutoTopicCreation: false, ...overrides });
}

/** Broker answers kafkajs logs at ERROR and then retries: a coordinator moving or loading, a rebalance. */
const ROUTINE_RESPONSE_ERRORS =
  /^(The group coordinator is not available|This is not the correct coordinator for this group|The coordinator is loading and hence can't process requests for this group|The group is rebalancing, so a rejoin is needed)$/;

/**
 * The transaction coordinator still completing the previous transaction of the same transactional
 * id (CONCURRENT_TRANSACTIONS): after a restart, or right after a commit. Java clients retry it
 * silently; kafkajs logs the response and each retry of the send at ERROR, then retries.
 */
const CONCURRENT_TRANSACTIONS =
  'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';

/**
 * Why a kafkajs entry is routine rather than a problem, or undefined. A
 * newcomer reads every ERROR and WARN line of a clean start as a failure;
 * these are not. A lasting problem still surfaces: as the caller's error once
 * kafkajs' retries run out, and in readiness.
 */
export function routineKafkaLogReason(entry: LogEntry): string | undefined {
  const { message, error } = entry.log as { message: string; error?: unknown };
  if (entry.level === logLevel.WARN && message.startsWith('Limiting retries for the idempotent producer')) {
    return 'retries are bounded on purpose: a send still failing reaches the caller, which re-sends it, and consumers drop the duplicate by id';
  }
  if (
    entry.level === logLevel.ERROR &&
    message.startsWith('Response ') &&
    typeof error === 'string' &&
    ROUTINE_RESPONSE_ERRORS.test(error)
  ) {
    return 'the group coordinator is starting, moving or rebalancing (broker start-up, failover, a member joining); kafkajs retries';
  }
  if (
    entry.level === logLevel.ERROR &&
    ((message.startsWith('Response ') && error === CONCURRENT_TRANSACTIONS) ||
      message === `Failed to send messages: ${CONCURRENT_TRANSACTIONS}`)
  ) {
    return "the transaction coordinator is still completing this transactional id's previous transaction; kafkajs retries, and a send that still fails reaches the caller";
  }
  return undefined;
}

function forwardLog(sink: KafkaLogSink, entry: LogEntry): void {
  const { message, ...rest } = entry.log;
  const fields = { kafkajs: { namespace: entry.namespace, ...rest } };
  const routine = routineKafkaLogReason(entry);
  if (routine !== undefined) {
    sink.debug({ ...fields, routine }, message);
    return;
  }
  switch (entry.level) {
    case logLevel.ERROR:
      sink.error(fields, message);
      break;
    case logLevel.WARN:
      sink.warn(fields, message);
      break;
    case logLevel.INFO:
      sink.info(fields, message);
      break;
    default:
      sink.debug(fields, message);
  }
}
