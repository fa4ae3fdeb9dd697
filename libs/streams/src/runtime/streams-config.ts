import { silentStreamsLogger, type StreamsLogger } from '../processor/api';
import type { KafkaConfig } from 'kafkajs';
import { StreamsConfigError } from '../errors';
import type {
  DeadLetterHeadersFn,
  DeserializationErrorPolicy,
  ProcessingErrorPolicy,
} from '../processor/error-handling';
import { DeadLetterQueue } from '../processor/internals/dead-letter-queue';

/** `processing.guarantee` values. */
export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';

/**
 * Configuration of a {@link KafkaStreams} instance. Keys follow Kafka
 * Streams' names so its documentation applies.
 */
export interface StreamsConfig {
  /** Consumer group id and prefix of internal topics. Required. */
  readonly 'application.id': string;
  /** Broker list; required unless `kafka` carries one. */
  readonly 'bootstrap.servers'?: string | string[];
  /** Default `at_least_once`. */
  readonly 'processing.guarantee'?: ProcessingGuarantee;
  /** How often tasks commit; default 30000, or 100 under exactly_once_v2 (as in Kafka Streams). */
  readonly 'commit.interval.ms'?: number;
  /** Directory for persistent stores and their checkpoints. */
  readonly 'state.dir'?: string;
  /** Create missing internal topics (default true); false only verifies them (for KafkaTopic-managed clusters). */
  readonly 'internal.topics.create'?: boolean;
  /** Replication factor of created internal topics; default -1 (the broker's default). */
  readonly 'replication.factor'?: number;
  /** `host:port` where this instance serves interactive queries, advertised to the group. */
  readonly 'application.server'?: string;
  /**
   * What to do with records the source serdes cannot read: `fail` (default), `continue` (skip and
   * count) or `dead-letter` (write them to `errors.dead.letter.queue.topic.name` and continue).
   */
  readonly 'deserialization.exception.handler'?: DeserializationErrorPolicy;
  /**
   * What to do when processing a record throws (KIP-1033): `fail` (default), `continue` (skip and
   * count) or `dead-letter`. Retriable errors and the engine's fatal ones always propagate.
   */
  readonly 'processing.exception.handler'?: ProcessingErrorPolicy;
  /**
   * Dead-letter topic (KIP-1034): where `dead-letter` handlers write the failed record's original
   * key, value and headers, plus `__streams.errors.*` headers. A user topic: it must exist at
   * start-up (it is never created); under exactly_once_v2 the write is part of the task's transaction.
   */
  readonly 'errors.dead.letter.queue.topic.name'?: string;
  /** Extra headers for each dead-letter record (e.g. an organisation's failure headers). */
  readonly 'errors.dead.letter.queue.headers'?: DeadLetterHeadersFn;
  /** Transaction timeout under exactly_once_v2; default 10000 (Kafka Streams' default). */
  readonly 'transaction.timeout.ms'?: number;
  /** Consumer session timeout; default 10000. */
  readonly 'session.timeout.ms'?: number;
  /**
   * Least time between two purges of consumed repartition records (DeleteRecords after a commit,
   * KIP-204/KIP-811); default 30000, as in Kafka Streams. Purges happen only after successful commits.
   */
  readonly 'repartition.purge.interval.ms'?: number;
  /** Extra kafkajs client settings (SSL, SASL, logging); `brokers` here is used if `bootstrap.servers` is absent. */
  readonly kafka?: Partial<KafkaConfig>;
  /** Where the engine and processors log warnings (a late record dropped, say); silent by default. */
  readonly logger?: StreamsLogger;
}

/** A validated configuration with defaults applied. */
export interface ResolvedStreamsConfig {
  readonly applicationId: string;
  readonly brokers: string[];
  readonly guarantee: ProcessingGuarantee;
  readonly commitIntervalMs: number;
  readonly stateDir: string | undefined;
  readonly createInternalTopics: boolean;
  readonly replicationFactor: number;
  readonly applicationServer: string | undefined;
  readonly deserializationErrors: DeserializationErrorPolicy;
  readonly processingErrors: ProcessingErrorPolicy;
  readonly deadLetterQueue: DeadLetterQueue | undefined;
  readonly transactionTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly repartitionPurgeIntervalMs: number;
  readonly kafka: Partial<KafkaConfig>;
  readonly logger: StreamsLogger;
}

/** Validates `config` once, at construction, so a bad value fails fast with its name. */
export function resolveStreamsConfig(config: StreamsConfig): ResolvedStreamsConfig {
  const appId = config['application.id'];
  if (typeof appId !== 'string' || !/^[a-zA-Z0-9._-]+$/.test(appId)) {
    throw new StreamsConfigError(
      `'application.id' must be a non-empty topic-safe name ([a-zA-Z0-9._-]), got '${appId}'.`,
    );
  }
  const servers = config['bootstrap.servers'] ?? config.kafka?.brokers;
  const brokers =
    typeof servers === 'string'
      ? servers
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : servers;
  if (!Array.isArray(brokers) || brokers.length === 0) {
    throw new StreamsConfigError(`'bootstrap.servers' is required, e.g. '127.0.0.1:9092'.`);
  }
  const guarantee = config['processing.guarantee'] ?? 'at_least_once';
  if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2') {
    throw new StreamsConfigError(
      `'processing.guarantee' must be 'at_least_once' or 'exactly_once_v2', got '${guarantee}'.`,
    );
  }
  const commitIntervalMs = config['commit.interval.ms'] ?? (guarantee === 'exactly_once_v2' ? 100 : 30_000);
  if (!(commitIntervalMs >= 0))
    throw new StreamsConfigError(`'commit.interval.ms' must be >= 0, got ${commitIntervalMs}.`);
  const purgeIntervalMs = config['repartition.purge.interval.ms'] ?? 30_000;
  if (!(purgeIntervalMs >= 0))
    throw new StreamsConfigError(`'repartition.purge.interval.ms' must be >= 0, got ${purgeIntervalMs}.`);
  const server = config['application.server'];
  if (server !== undefined && !/^[^:]+:\d+$/.test(server)) {
    throw new StreamsConfigError(`'application.server' must be 'host:port', got '${server}'.`);
  }
  const deserializationErrors = policy(config, 'deserialization.exception.handler');
  const processingErrors = policy(config, 'processing.exception.handler');
  const deadLetterQueue = resolveDeadLetterQueue(config, deserializationErrors, processingErrors);
  return {
    applicationId: appId,
    brokers,
    guarantee,
    commitIntervalMs,
    stateDir: config['state.dir'],
    createInternalTopics: config['internal.topics.create'] ?? true,
    replicationFactor: config['replication.factor'] ?? -1,
    applicationServer: server,
    deserializationErrors,
    processingErrors,
    deadLetterQueue,
    transactionTimeoutMs: config['transaction.timeout.ms'] ?? 10_000,
    sessionTimeoutMs: config['session.timeout.ms'] ?? 10_000,
    repartitionPurgeIntervalMs: purgeIntervalMs,
    kafka: config.kafka ?? {},
    logger: config.logger ?? silentStreamsLogger,
  };
}

const POLICIES: readonly DeserializationErrorPolicy[] = ['fail', 'continue', 'dead-letter'];

function policy(
  config: StreamsConfig,
  key: 'deserialization.exception.handler' | 'processing.exception.handler',
): DeserializationErrorPolicy {
  const value = config[key] ?? 'fail';
  if (!POLICIES.includes(value)) {
    throw new StreamsConfigError(`'${key}' must be one of ${POLICIES.join(', ')}, got '${value}'.`);
  }
  return value;
}

function resolveDeadLetterQueue(
  config: StreamsConfig,
  ...policies: DeserializationErrorPolicy[]
): DeadLetterQueue | undefined {
  const topic = config['errors.dead.letter.queue.topic.name'];
  const headers = config['errors.dead.letter.queue.headers'];
  if (topic === undefined) {
    if (policies.includes('dead-letter')) {
      throw new StreamsConfigError(
        `A 'dead-letter' exception handler needs 'errors.dead.letter.queue.topic.name' (an existing topic).`,
      );
    }
    return undefined;
  }
  if (typeof topic !== 'string' || !/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) {
    throw new StreamsConfigError(
      `'errors.dead.letter.queue.topic.name' must be a topic name ([a-zA-Z0-9._-]), got '${topic}'.`,
    );
  }
  if (headers !== undefined && typeof headers !== 'function') {
    throw new StreamsConfigError(`'errors.dead.letter.queue.headers' must be a function.`);
  }
  return headers === undefined ? { topic } : { topic, headers };
}
