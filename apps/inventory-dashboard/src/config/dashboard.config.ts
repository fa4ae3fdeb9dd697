/**
 * The dashboard's configuration: three `registerAs` namespaces, each read from
 * the environment once and validated, so a bad value stops the app at
 * start-up with the variable named. The table in the app's README lists them.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { registerAs, type ConfigType } from '@nestjs/config';
import { registryConfigFromEnv } from '@eda/events';
import { kafkaConfigFromEnv } from '@eda/kafka';
import { EdaError, readIntegerEnv } from '@eda/base';

/** A dashboard variable is missing or malformed. Not retriable: fix the environment and restart. */
export class DashboardConfigError extends EdaError {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    // Not retriable: restarting with the same environment fails the same way.
    super('EDA_DASHBOARD_CONFIG', `${variable} ${detail}. Fix the environment and restart.`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Reads the `dashboard` namespace from `env`. Exported for tests; the app uses {@link dashboardConfig}. */
export function dashboardSettingsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const logLevel = env['LOG_LEVEL'] || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new DashboardConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const host = env['HOST'] || '0.0.0.0';
  if (/\s/.test(host)) {
    throw new DashboardConfigError('HOST', `must be a host name or address, got "${host}"`);
  }
  const applicationId = name(env, 'DASHBOARD_APPLICATION_ID', 'inventory-dashboard');
  // A fresh group on every start: the view lives in memory, so every start must
  // replay the compacted topics from the beginning, and a group with committed
  // offsets would resume instead. The ACLs grant the `<applicationId>-` prefix.
  const instance = `${hostname()}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  return {
    /** HTTP bind address. */
    host,
    /** HTTP port; 0 picks a free one (tests). */
    port: integer(env, 'PORT', 3000, 0, 65_535),
    /** Prefix of the consumer group, the retry topics and the replay group. */
    applicationId,
    /** This process's consumer group, unique per start. */
    groupId: `${applicationId}-${instance}`.replace(/[^A-Za-z0-9._-]/g, '-'),
    /** Topics read (compacted snapshots and sales windows) and written (alerts). */
    topics: {
      storeInventory: name(env, 'STORE_INVENTORY_TOPIC', 'store.inventory'),
      itemInventory: name(env, 'ITEM_INVENTORY_TOPIC', 'item.inventory'),
      storeSales: name(env, 'STORE_SALES_TOPIC', 'store.sales.1m'),
      alerts: name(env, 'ALERTS_TOPIC', 'inventory.alerts'),
    },
    /**
     * Low-stock alerting across replicas: the alerting topology (alerts/) runs
     * under this application id in every replica, so they share its tasks.
     */
    alerting: {
      /** The application id: consumer group, transactional-id and changelog prefix; the same in every replica. */
      groupId: name(env, 'ALERTS_GROUP_ID', 'inventory-dashboard-alerting'),
      /** How long a replica that stopped heartbeating keeps its tasks (the broker bounds it, 6 s minimum by default). */
      sessionTimeoutMs: integer(env, 'ALERTS_SESSION_TIMEOUT_MS', 30_000, 6000, 1_800_000),
      /**
       * Create the changelog when missing (a throw-away ALERTS_GROUP_ID in a test). Off by default:
       * the changelog is a KafkaTopic in gitops/ (the stack and compose create it), only verified.
       */
      createInternalTopics: flag(env, 'ALERTS_INTERNAL_TOPICS_CREATE'),
    },
    /** Delay before each retry level; the count is the number of retry topics per input. */
    retryBackoffMs: delays(env, 'RETRY_BACKOFF_MS', [1000, 10_000]),
    /** LOW when 0 < quantity <= threshold, OUT_OF_STOCK when quantity <= 0. */
    lowStockThreshold: integer(env, 'LOW_STOCK_THRESHOLD', 5, 0, Number.MAX_SAFE_INTEGER),
    /** Sales windows kept per store for the page. */
    recentWindows: integer(env, 'DASHBOARD_RECENT_WINDOWS', 10, 1, 1000),
    /** Alerts kept for the page. */
    recentAlerts: integer(env, 'DASHBOARD_RECENT_ALERTS', 50, 1, 10_000),
    /** Processed offsets are committed at most this often (and on shutdown). */
    commitIntervalMs: integer(env, 'DASHBOARD_COMMIT_INTERVAL_MS', 1000, 0, 60_000),
    /** Readiness turns red when the consumer lags more records than this (after catching up once). */
    maxReadyLag: integer(env, 'DASHBOARD_MAX_READY_LAG', 10_000, 0, Number.MAX_SAFE_INTEGER),
    /** How long SIGTERM may take before the process exits anyway. */
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 15_000, 100, 600_000),
    /** Bound of each readiness dependency check. */
    healthTimeoutMs: integer(env, 'HEALTH_TIMEOUT_MS', 3000, 100, 60_000),
    logLevel,
  };
}

function name(env: NodeJS.ProcessEnv, variable: string, fallback: string): string {
  const value = env[variable] || fallback;
  if (!TOPIC_NAME.test(value)) {
    throw new DashboardConfigError(variable, `is not a valid Kafka topic or group name: "${value}"`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, variable: string): boolean {
  const raw = env[variable] || 'false';
  if (raw !== 'true' && raw !== 'false')
    throw new DashboardConfigError(variable, `must be true or false, got "${raw}"`);
  return raw === 'true';
}

function delays(env: NodeJS.ProcessEnv, variable: string, fallback: number[]): number[] {
  const raw = env[variable];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') return [];
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 0 || v > 3_600_000) || values.length > 10) {
    throw new DashboardConfigError(
      variable,
      `must be up to 10 comma-separated delays in ms (0 to 3600000), e.g. "1000,10000", got "${raw}"`,
    );
  }
  return values;
}

function integer(
  env: NodeJS.ProcessEnv,
  variable: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return readIntegerEnv(
    env,
    variable,
    { fallback, min, max },
    (name, detail) => new DashboardConfigError(name, detail),
  );
}

/** `dashboard` namespace: HTTP, topics, retries, alerts, view sizes, shutdown, logging. */
export const dashboardConfig = registerAs('dashboard', () => dashboardSettingsFromEnv());
/** `kafka` namespace: brokers, client id, SASL and TLS (`@eda/kafka`'s `kafkaConfigFromEnv`). */
export const kafkaConfig = registerAs('kafka', () => kafkaConfigFromEnv(process.env, 'inventory-dashboard'));
/** `registry` namespace: the schema registry (`@eda/events`'s `registryConfigFromEnv`). */
export const registryConfig = registerAs('registry', () => registryConfigFromEnv());

/** Settings of the `dashboard` namespace. */
export type DashboardSettings = ConfigType<typeof dashboardConfig>;
/** Settings of the `kafka` namespace. */
export type KafkaSettings = ConfigType<typeof kafkaConfig>;
/** Settings of the `registry` namespace. */
export type RegistrySettings = ConfigType<typeof registryConfig>;
