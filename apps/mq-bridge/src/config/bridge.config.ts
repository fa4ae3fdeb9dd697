/**
 * The bridge's configuration: `registerAs` namespaces, each read from the
 * environment once and validated, so a bad value stops the app at start-up
 * with the variable named. The README's table lists every variable.
 */
import { registerAs, type ConfigType } from '@nestjs/config';
import { registryConfigFromEnv } from '@eda/events';
import { kafkaConfigFromEnv } from '@eda/kafka';
import { mqConnectionConfigFromEnv } from '@eda/mq';
import { EdaError, readIntegerEnv } from '@eda/base';

/** A bridge variable is missing or malformed. Not retriable: fix the environment and restart. */
export class BridgeConfigError extends EdaError {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    // Not retriable: restarting with the same environment fails the same way.
    super('EDA_MQ_BRIDGE_CONFIG', `${variable} ${detail}. Fix the environment and restart.`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const MQ_OBJECT = /^[A-Za-z0-9._/%]{1,48}$/;

/** Reads the `bridge` namespace from `env`. Exported for tests; the app uses {@link bridgeConfig}. */
export function bridgeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const logLevel = env['LOG_LEVEL'] || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new BridgeConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const itemsTopic = itemsTopicFromEnv(env);
  const itemsSubject = env['ITEMS_SUBJECT'] || `${itemsTopic}-value`;
  if (!/^[^\s]{1,255}$/.test(itemsSubject)) {
    throw new BridgeConfigError('ITEMS_SUBJECT', `must be a schema registry subject, got "${itemsSubject}"`);
  }
  const queue = mqObject(env, 'MQ_QUEUE');
  const backoutQueue = mqObject(env, 'MQ_BACKOUT_QUEUE');
  if (queue === backoutQueue) {
    throw new BridgeConfigError('MQ_BACKOUT_QUEUE', `must differ from MQ_QUEUE (both are "${queue}")`);
  }
  const host = env['HOST'] || '0.0.0.0';
  if (/\s/.test(host)) throw new BridgeConfigError('HOST', `must be a host name or address, got "${host}"`);
  return {
    /** HTTP bind address. */
    host,
    /** HTTP port; 0 picks a free one (tests). */
    port: integer(env, 'PORT', 3003, 0, 65_535),
    /** Kafka topic the bridge produces `ItemTransaction`s to. */
    itemsTopic,
    /** Schema registry subject of the items value schema (deployed by `npm run schemas:deploy`). */
    itemsSubject,
    /** MQ queue the bridge gets from. */
    queue,
    /** MQ queue poison messages are moved to (the input queue's BOQNAME). */
    backoutQueue,
    /** A message whose BackoutCount reached this is moved to the backout queue (the queue's BOTHRESH). 0: never. */
    backoutThreshold: integer(env, 'MQ_BACKOUT_THRESHOLD', 3, 0, 999_999_999),
    /** Messages per MQ unit of work and Kafka produce request. */
    batchSize: integer(env, 'MQ_BATCH_SIZE', 100, 1, 10_000),
    /** How long to wait for the first message of a batch. */
    waitMs: integer(env, 'MQ_WAIT_MS', 1000, 0, 60_000),
    /** How long a batch Kafka does not accept is retried, messages held, before MQ backs it out. */
    retryBudgetMs: integer(env, 'MQ_RETRY_BUDGET_MS', 30_000, 0, 3_600_000),
    /** How long SIGTERM may take before the process exits anyway. */
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 30_000, 100, 600_000),
    /** Bound of each readiness dependency check. */
    healthTimeoutMs: integer(env, 'HEALTH_TIMEOUT_MS', 3000, 100, 60_000),
    logLevel,
  };
}

/** ITEMS_TOPIC, validated: the one Kafka name the bridge uses (also read by ./kafka-access). */
export function itemsTopicFromEnv(env: NodeJS.ProcessEnv): string {
  const itemsTopic = env['ITEMS_TOPIC'] || 'items';
  if (!TOPIC.test(itemsTopic)) {
    throw new BridgeConfigError('ITEMS_TOPIC', `is not a valid Kafka topic name: "${itemsTopic}"`);
  }
  return itemsTopic;
}

function mqObject(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new BridgeConfigError(name, 'is required');
  if (!MQ_OBJECT.test(value)) {
    throw new BridgeConfigError(
      name,
      `must be an MQ queue name (up to 48 of A-Z a-z 0-9 . _ / %), got "${value}"`,
    );
  }
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  return readIntegerEnv(
    env,
    name,
    { fallback, min, max },
    (variable, detail) => new BridgeConfigError(variable, detail),
  );
}

/** `bridge` namespace: HTTP, topic and subject, queues, batching, shutdown, logging. */
export const bridgeConfig = registerAs('bridge', () => bridgeSettingsFromEnv());
/** `mq` namespace: queue manager connection (`@eda/mq`'s `mqConnectionConfigFromEnv`). */
export const mqConfig = registerAs('mq', () => mqConnectionConfigFromEnv(process.env, 'mq-bridge'));
/** `kafka` namespace: brokers, client id, SASL and TLS (`@eda/kafka`). */
export const kafkaConfig = registerAs('kafka', () => kafkaConfigFromEnv(process.env, 'mq-bridge'));
/** `registry` namespace: the schema registry (`@eda/events`). */
export const registryConfig = registerAs('registry', () => registryConfigFromEnv());

/** Settings of the `bridge` namespace. */
export type BridgeSettings = ConfigType<typeof bridgeConfig>;
/** Settings of the `mq` namespace. */
export type MqSettings = ConfigType<typeof mqConfig>;
/** Settings of the `kafka` namespace. */
export type KafkaSettings = ConfigType<typeof kafkaConfig>;
/** Settings of the `registry` namespace. */
export type RegistrySettings = ConfigType<typeof registryConfig>;
