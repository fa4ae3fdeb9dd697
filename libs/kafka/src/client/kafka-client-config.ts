/**
 * Kafka client settings, read once from the environment and validated, so a
 * typo fails at start-up with the variable named rather than as a connection
 * timeout minutes later.
 *
 * | variable                         | default          | meaning                                                |
 * |----------------------------------|------------------|--------------------------------------------------------|
 * | `KAFKA_BROKERS`                  | `127.0.0.1:9092` | bootstrap servers, comma-separated `host:port`         |
 * | `KAFKA_CLIENT_ID`                | the app's name   | client id the brokers log and quota by                 |
 * | `KAFKA_SASL_MECHANISM`           | unset (no SASL)  | `scram-sha-512`, `scram-sha-256` or `plain`            |
 * | `KAFKA_SASL_USERNAME` / `_PASSWORD` | unset         | required with a mechanism                              |
 * | `KAFKA_TLS`                      | `false`          | `true` for TLS; implied by any `KAFKA_TLS_*_FILE`      |
 * | `KAFKA_TLS_CA_FILE`              | unset            | PEM bundle of CAs (Strimzi: the cluster CA `ca.crt`)   |
 * | `KAFKA_TLS_CERT_FILE` / `_KEY_FILE` | unset         | client certificate and key for mutual TLS (both)       |
 * | `KAFKA_TLS_REJECT_UNAUTHORIZED`  | `true`           | `false` only for local experiments                     |
 * | `KAFKA_CONNECTION_TIMEOUT_MS`    | `3000`           | TCP connect bound                                      |
 * | `KAFKA_REQUEST_TIMEOUT_MS`       | `30000`          | request bound                                          |
 * | `KAFKA_RETRIES`                  | `5`              | retries of connects and retriable requests (kafkajs)   |
 * | `KAFKA_CLIENT_LIBRARY`           | `kafkajs`        | `kafkajs`, `confluent` or `platformatic`               |
 */
import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { KafkaConfigError } from './kafka-errors';
import { readIntegerEnv } from '@eda/base';

/** SASL mechanisms we support; the names are those Strimzi `KafkaUser` resources use. */
export const SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
/** One of {@link SASL_MECHANISMS}. */
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** TLS settings; file contents are read at validation time, so a missing file fails at start-up. */
export interface KafkaTlsConfig {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly rejectUnauthorized: boolean;
}

/**
 * The client libraries `createKafkaClient` can build on; kafkajs is the default (see docs/decisions.md).
 * `confluent` is Confluent's librdkafka-based client, `platformatic` the pure-JS `@platformatic/kafka`,
 * each behind the kafkajs interface (see their adapters for what they cover).
 */
export const KAFKA_CLIENT_LIBRARIES = ['kafkajs', 'confluent', 'platformatic'] as const;
/** One of {@link KAFKA_CLIENT_LIBRARIES}. */
export type KafkaClientLibrary = (typeof KAFKA_CLIENT_LIBRARIES)[number];

/** Validated Kafka client settings. Secrets are kept out of `toString`/logs by {@link describeKafkaConfig}. */
export interface KafkaClientConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
  /** Present when TLS is on. */
  readonly tls?: KafkaTlsConfig;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /**
   * Retries of a connect or retriable request before kafkajs gives up, idempotent producers
   * included: kafkajs then logs once that limited retries "may invalidate EoS guarantees". We
   * accept that on purpose: a send that gives up surfaces to the caller (which resends within
   * its own budget, e.g. SIMULATOR_RETRY_BUDGET_MS), and a resend may duplicate a record that
   * did land, which consumers absorb by deduplicating on the record's id.
   */
  readonly retries: number;
  /** The client library: kafkajs, or Confluent's client or @platformatic/kafka behind the same interface. */
  readonly library: KafkaClientLibrary;
}

/** The native stack's broker. */
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

/**
 * Reads and validates the Kafka client settings from `env`.
 * @param defaultClientId used when `KAFKA_CLIENT_ID` is unset; pass the app's name.
 * @throws KafkaConfigError naming the variable.
 */
export function kafkaConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  defaultClientId = 'eda',
): KafkaClientConfig {
  const brokers = (env['KAFKA_BROKERS'] || DEFAULT_KAFKA_BROKERS)
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  for (const broker of brokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) {
      throw new KafkaConfigError('KAFKA_BROKERS', `must be comma-separated host:port pairs, got "${broker}"`);
    }
  }
  if (brokers.length === 0) {
    throw new KafkaConfigError('KAFKA_BROKERS', 'must name at least one broker');
  }
  const clientId = env['KAFKA_CLIENT_ID'] || defaultClientId;
  if (!/^[A-Za-z0-9._-]+$/.test(clientId)) {
    throw new KafkaConfigError(
      'KAFKA_CLIENT_ID',
      `may hold only letters, digits, '.', '_' and '-', got "${clientId}"`,
    );
  }
  const sasl = saslFromEnv(env);
  const tls = tlsFromEnv(env);
  return {
    brokers,
    clientId,
    ...(sasl ? { sasl } : {}),
    ...(tls ? { tls } : {}),
    connectionTimeoutMs: positiveInt(env, 'KAFKA_CONNECTION_TIMEOUT_MS', 3000),
    requestTimeoutMs: positiveInt(env, 'KAFKA_REQUEST_TIMEOUT_MS', 30_000),
    retries: positiveInt(env, 'KAFKA_RETRIES', 5, true),
    library: libraryFromEnv(env),
  };
}

/** The kafkajs constructor options for `config` (without a log creator; see `createKafkaClient`). */
export function toKafkaJsConfig(config: KafkaClientConfig): KafkaConfig {
  return {
    clientId: config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    retry: { retries: config.retries },
    ...(config.sasl ? { sasl: config.sasl as SASLOptions } : {}),
    ...(config.tls ? { ssl: { ...config.tls } } : {}),
  };
}

/** A one-line description safe to log: brokers, client id, SASL mechanism and user, TLS on/off; never secrets. */
export function describeKafkaConfig(config: KafkaClientConfig): string {
  const sasl = config.sasl ? `sasl=${config.sasl.mechanism}:${config.sasl.username}` : 'sasl=off';
  const library = config.library === 'kafkajs' ? '' : ` library=${config.library}`;
  return `brokers=${config.brokers.join(',')} clientId=${config.clientId} ${sasl} tls=${config.tls ? 'on' : 'off'}${library}`;
}

function libraryFromEnv(env: NodeJS.ProcessEnv): KafkaClientLibrary {
  const raw = env['KAFKA_CLIENT_LIBRARY'] || 'kafkajs';
  if (!(KAFKA_CLIENT_LIBRARIES as readonly string[]).includes(raw)) {
    throw new KafkaConfigError(
      'KAFKA_CLIENT_LIBRARY',
      `must be one of ${KAFKA_CLIENT_LIBRARIES.join(', ')}, got "${raw}"`,
    );
  }
  return raw as KafkaClientLibrary;
}

function saslFromEnv(env: NodeJS.ProcessEnv): KafkaClientConfig['sasl'] {
  const raw = env['KAFKA_SASL_MECHANISM'];
  const username = env['KAFKA_SASL_USERNAME'];
  const password = env['KAFKA_SASL_PASSWORD'];
  if (!raw) {
    if (username || password) {
      throw new KafkaConfigError(
        'KAFKA_SASL_MECHANISM',
        `must be set when KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are (one of ${SASL_MECHANISMS.join(', ')})`,
      );
    }
    return undefined;
  }
  const mechanism = raw.toLowerCase();
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new KafkaConfigError(
      'KAFKA_SASL_MECHANISM',
      `must be one of ${SASL_MECHANISMS.join(', ')}, got "${raw}"`,
    );
  }
  if (!username)
    throw new KafkaConfigError('KAFKA_SASL_USERNAME', `is required with KAFKA_SASL_MECHANISM=${raw}`);
  if (!password)
    throw new KafkaConfigError('KAFKA_SASL_PASSWORD', `is required with KAFKA_SASL_MECHANISM=${raw}`);
  return { mechanism: mechanism as SaslMechanism, username, password };
}

function tlsFromEnv(env: NodeJS.ProcessEnv): KafkaTlsConfig | undefined {
  const ca = pemFile(env, 'KAFKA_TLS_CA_FILE');
  const cert = pemFile(env, 'KAFKA_TLS_CERT_FILE');
  const key = pemFile(env, 'KAFKA_TLS_KEY_FILE');
  if (Boolean(cert) !== Boolean(key)) {
    throw new KafkaConfigError(
      'KAFKA_TLS_CERT_FILE',
      'and KAFKA_TLS_KEY_FILE must be set together (mutual TLS)',
    );
  }
  const enabled = bool(env, 'KAFKA_TLS', false) || Boolean(ca || cert);
  if (!enabled) return undefined;
  return {
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
    rejectUnauthorized: bool(env, 'KAFKA_TLS_REJECT_UNAUTHORIZED', true),
  };
}

function pemFile(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const path = env[name];
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new KafkaConfigError(name, `points at "${path}", which cannot be read (${(err as Error).message})`);
  }
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new KafkaConfigError(name, `must be "true" or "false", got "${raw}"`);
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, allowZero = false): number {
  return readIntegerEnv(
    env,
    name,
    { fallback, min: allowZero ? 0 : 1 },
    (variable, detail) => new KafkaConfigError(variable, detail),
  );
}
