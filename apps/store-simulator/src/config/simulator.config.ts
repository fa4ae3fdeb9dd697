/**
 * The simulator's configuration: three `registerAs` namespaces, each read from
 * the environment once and validated, so a bad value stops the app at
 * start-up with the variable named. The table in the app's README lists them.
 */
import { registerAs, type ConfigType } from '@nestjs/config';
import { registryConfigFromEnv } from '@eda/events';
import { kafkaConfigFromEnv } from '@eda/kafka';
import { EdaError, readIntegerEnv } from '@eda/base';

/** A simulator variable is missing or malformed. Not retriable: fix the environment and restart. */
export class SimulatorConfigError extends EdaError {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    // Not retriable: restarting with the same environment fails the same way.
    super('EDA_SIMULATOR_CONFIG', `${variable} ${detail}. Fix the environment and restart.`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads the `simulator` namespace from `env`. Exported for tests; the app uses {@link simulatorConfig}. */
export function simulatorSettingsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const logLevel = env['LOG_LEVEL'] || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new SimulatorConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const itemsTopic = env['ITEMS_TOPIC'] || 'items';
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(itemsTopic)) {
    throw new SimulatorConfigError('ITEMS_TOPIC', `is not a valid Kafka topic name: "${itemsTopic}"`);
  }
  const host = env['HOST'] || '0.0.0.0';
  if (/\s/.test(host)) {
    throw new SimulatorConfigError('HOST', `must be a host name or address, got "${host}"`);
  }
  return {
    /** HTTP bind address. */
    host,
    /** HTTP port; 0 picks a free one (tests). */
    port: integer(env, 'PORT', 3001, 0, 65_535),
    /** Topic the Kafka backend writes `ItemTransaction`s to. */
    itemsTopic,
    /** Records per produce request. */
    batchSize: integer(env, 'SIMULATOR_BATCH_SIZE', 500, 1, 10_000),
    /**
     * How long a run keeps resending one batch through retriable errors (a
     * broker restart, a leader election) before it fails. Like the Java
     * producer's delivery.timeout.ms, whose default it takes.
     */
    retryBudgetMs: integer(env, 'SIMULATOR_RETRY_BUDGET_MS', 120_000, 0, 3_600_000),
    /** Upper bound of `count` in one simulation. */
    maxCount: integer(env, 'SIMULATOR_MAX_COUNT', 10_000_000, 1, Number.MAX_SAFE_INTEGER),
    /** Finished simulations kept for `GET /api/simulations/:id`. */
    retainedRuns: integer(env, 'SIMULATOR_RETAINED_RUNS', 100, 1, 100_000),
    /** Rate of a simulation that gives no count and no rate (it runs until stopped). */
    defaultRatePerSec: integer(env, 'SIMULATOR_DEFAULT_RATE', 10, 1, 1_000_000),
    /** How long SIGTERM may take before the process exits anyway. */
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    /** Bound of each readiness dependency check. */
    healthTimeoutMs: integer(env, 'HEALTH_TIMEOUT_MS', 3000, 100, 60_000),
    logLevel,
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  return readIntegerEnv(
    env,
    name,
    { fallback, min, max },
    (variable, detail) => new SimulatorConfigError(variable, detail),
  );
}

/** `simulator` namespace: HTTP, topic, batching, limits, shutdown, logging. */
export const simulatorConfig = registerAs('simulator', () => simulatorSettingsFromEnv());
/** `kafka` namespace: brokers, client id, SASL and TLS (`@eda/kafka`'s `kafkaConfigFromEnv`). */
export const kafkaConfig = registerAs('kafka', () => kafkaConfigFromEnv(process.env, 'store-simulator'));
/** `registry` namespace: the schema registry (`@eda/events`'s `registryConfigFromEnv`). */
export const registryConfig = registerAs('registry', () => registryConfigFromEnv());

/** Settings of the `simulator` namespace. */
export type SimulatorSettings = ConfigType<typeof simulatorConfig>;
/** Settings of the `kafka` namespace. */
export type KafkaSettings = ConfigType<typeof kafkaConfig>;
/** Settings of the `registry` namespace. */
export type RegistrySettings = ConfigType<typeof registryConfig>;
