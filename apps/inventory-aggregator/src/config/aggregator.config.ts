/**
 * The aggregator's configuration: three `registerAs` namespaces, each read
 * from the environment once and validated, so a bad value stops the app at
 * start-up with the variable named. The table in the app's README lists them.
 */
import { hostname } from 'node:os';
import { registerAs, type ConfigType } from '@nestjs/config';
import { registryConfigFromEnv } from '@eda/events';
import { kafkaConfigFromEnv } from '@eda/kafka';
import type { DeserializationErrorPolicy, ProcessingGuarantee } from '@eda/streams';
import { EdaError, readIntegerEnv } from '@eda/base';

/** An aggregator variable is missing or malformed. Not retriable: fix the environment and restart. */
export class AggregatorConfigError extends EdaError {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    // Not retriable: restarting with the same environment fails the same way.
    super('EDA_AGGREGATOR_CONFIG', `${variable} ${detail}. Fix the environment and restart.`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const GUARANTEES: readonly ProcessingGuarantee[] = ['exactly_once_v2', 'at_least_once'];
const DESERIALIZATION_POLICIES: readonly DeserializationErrorPolicy[] = ['dead-letter', 'continue', 'fail'];
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Reads the `aggregator` namespace from `env`. Exported for tests; the app uses {@link aggregatorConfig}. */
export function aggregatorSettingsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const logLevel = oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info');
  const host = env['HOST'] || '0.0.0.0';
  if (/\s/.test(host))
    throw new AggregatorConfigError('HOST', `must be a host name or address, got "${host}"`);
  const port = integer(env, 'PORT', 3002, 0, 65_535);
  const applicationServer = env['APPLICATION_SERVER'] || `${hostname()}:${port}`;
  if (!/^[^\s:/]+:\d{1,5}$/.test(applicationServer)) {
    throw new AggregatorConfigError(
      'APPLICATION_SERVER',
      `must be host:port, the address other instances reach this one at, got "${applicationServer}"`,
    );
  }
  const applicationId = env['APPLICATION_ID'] || 'inventory-aggregator';
  if (!TOPIC.test(applicationId)) {
    throw new AggregatorConfigError(
      'APPLICATION_ID',
      `must be usable in topic names, got "${applicationId}"`,
    );
  }
  // One hour: windows are emitted on every commit, not once closed, so grace costs no latency, only
  // the memory of open windows; and it is what decides whether a sale that an outage delayed (a
  // producer re-sending after a broker restart, a backlog in the MQ bridge) still counts. See README.
  const salesGraceMs = integer(env, 'SALES_GRACE_MS', 60 * MINUTE, 0, DAY);
  const salesRetentionMs = integer(env, 'SALES_RETENTION_MS', 7 * DAY, MINUTE, 365 * DAY);
  if (salesRetentionMs < MINUTE + salesGraceMs) {
    throw new AggregatorConfigError('SALES_RETENTION_MS', `must be at least 60000 + SALES_GRACE_MS`);
  }
  return {
    /** HTTP bind address. */
    host,
    /** HTTP port; 0 picks a free one (tests that need no forwarding). */
    port,
    /** `host:port` advertised to the other instances for query forwarding (`application.server`). */
    applicationServer,
    /** Consumer group, transactional-id and internal-topic prefix. */
    applicationId,
    topics: {
      items: topic(env, 'ITEMS_TOPIC', 'items'),
      itemInventory: topic(env, 'ITEM_INVENTORY_TOPIC', 'item.inventory'),
      storeInventory: topic(env, 'STORE_INVENTORY_TOPIC', 'store.inventory'),
      storeSales: topic(env, 'STORE_SALES_TOPIC', 'store.sales.1m'),
    },
    processingGuarantee: oneOf(env, 'PROCESSING_GUARANTEE', GUARANTEES, 'exactly_once_v2'),
    /** Commit (and cache flush) cadence; undefined keeps the engine's default (100 ms under exactly-once). */
    commitIntervalMs: optionalInteger(env, 'COMMIT_INTERVAL_MS', 10, 600_000),
    /** False where KafkaTopic resources own the internal topics: only verify them. */
    createInternalTopics: boolean(env, 'INTERNAL_TOPICS_CREATE', true),
    /** Size of the tumbling sales windows: one minute, the contract of `store.sales.1m`. */
    salesWindowMs: MINUTE,
    salesGraceMs,
    salesRetentionMs,
    dedupeWindowMs: integer(env, 'DEDUPE_WINDOW_MS', DAY, 1000, 30 * DAY),
    /**
     * Undecodable input: `dead-letter` writes it to {@link deadLetterTopic} (KIP-1034; inside the
     * task's transaction under exactly-once) and goes on; `continue` skips and counts it; `fail`
     * stops the instance.
     */
    deserializationErrors: oneOf(env, 'DESERIALIZATION_ERRORS', DESERIALIZATION_POLICIES, 'dead-letter'),
    /** Where `dead-letter` writes; must exist (never created). Unused with `continue` or `fail`. */
    deadLetterTopic: topic(env, 'DEAD_LETTER_TOPIC', 'items.dlq'),
    /** Bound of a query forwarded to the instance owning the key. */
    forwardTimeoutMs: integer(env, 'QUERY_FORWARD_TIMEOUT_MS', 5000, 100, 60_000),
    /** Retry-After (seconds) on a 503 while state is restoring or moving. */
    retryAfterSeconds: integer(env, 'QUERY_RETRY_AFTER_S', 2, 1, 600),
    /** How long SIGTERM may take (final commit, leaving the group) before the process exits anyway. */
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 30_000, 100, 600_000),
    /** Pause between start-up attempts while the registry or Kafka is unavailable. */
    startRetryMs: integer(env, 'START_RETRY_MS', 5000, 100, 600_000),
    logLevel,
  };
}

function topic(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name] || fallback;
  if (!TOPIC.test(value))
    throw new AggregatorConfigError(name, `is not a valid Kafka topic name: "${value}"`);
  return value;
}

function oneOf<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = env[name] || fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new AggregatorConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false')
    throw new AggregatorConfigError(name, `must be true or false, got "${raw}"`);
  return raw === 'true';
}

function optionalInteger(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  return readIntegerEnv(
    env,
    name,
    { min, max },
    (variable, detail) => new AggregatorConfigError(variable, detail),
  );
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  return readIntegerEnv(
    env,
    name,
    { fallback, min, max },
    (variable, detail) => new AggregatorConfigError(variable, detail),
  );
}

/** `aggregator` namespace: HTTP, topics, streams, windows, queries, shutdown, logging. */
export const aggregatorConfig = registerAs('aggregator', () => aggregatorSettingsFromEnv());
/** `kafka` namespace: brokers, client id, SASL and TLS (`@eda/kafka`'s `kafkaConfigFromEnv`). */
export const kafkaConfig = registerAs('kafka', () => kafkaConfigFromEnv(process.env, 'inventory-aggregator'));
/** `registry` namespace: the schema registry (`@eda/events`'s `registryConfigFromEnv`). */
export const registryConfig = registerAs('registry', () => registryConfigFromEnv());

/** Settings of the `aggregator` namespace. */
export type AggregatorSettings = ConfigType<typeof aggregatorConfig>;
/** Settings of the `kafka` namespace. */
export type KafkaSettings = ConfigType<typeof kafkaConfig>;
/** Settings of the `registry` namespace. */
export type RegistrySettings = ConfigType<typeof registryConfig>;
