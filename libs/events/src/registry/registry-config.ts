/**
 * Registry connection settings, read once from the environment and validated,
 * so a typo fails at start-up with the variable named.
 *
 * | variable                       | default                                   |
 * |--------------------------------|-------------------------------------------|
 * | `SCHEMA_REGISTRY_URL`          | `http://127.0.0.1:8081/apis/ccompat/v7`   |
 * | `SCHEMA_REGISTRY_USERNAME`     | unset (no basic auth)                     |
 * | `SCHEMA_REGISTRY_PASSWORD`     | unset                                     |
 * | `SCHEMA_REGISTRY_TIMEOUT_MS`   | `5000`                                    |
 * | `SCHEMA_REGISTRY_RETRIES`      | `3` (retries of 5xx answers)              |
 */
import { EventsError } from '../errors';
import { readIntegerEnv } from '@eda/base';

/** Validated registry settings. */
export interface RegistryConfig {
  /** Base URL of the Confluent-compatible API, without trailing slash. */
  readonly url: string;
  /** HTTP basic auth, when the registry needs it. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Upper bound of one HTTP request. */
  readonly timeoutMs: number;
  /** How often the client retries a 5xx answer. */
  readonly retries: number;
}

/** The native stack's Apicurio, Confluent-compatible API. */
export const DEFAULT_SCHEMA_REGISTRY_URL = 'http://127.0.0.1:8081/apis/ccompat/v7';

/** Thrown when a registry variable is malformed; not retriable. */
export class RegistryConfigError extends EventsError {
  constructor(variable: string, detail: string) {
    super('EDA_EVENTS_REGISTRY_CONFIG', `${variable} ${detail}. Fix the environment and restart.`);
  }
}

/** Reads and validates the registry settings from `env`. */
export function registryConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const url = (env['SCHEMA_REGISTRY_URL'] || DEFAULT_SCHEMA_REGISTRY_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) {
    throw new RegistryConfigError('SCHEMA_REGISTRY_URL', `must be an http(s) URL, got "${url}"`);
  }
  const username = env['SCHEMA_REGISTRY_USERNAME'];
  const password = env['SCHEMA_REGISTRY_PASSWORD'];
  if (Boolean(username) !== Boolean(password)) {
    throw new RegistryConfigError(
      'SCHEMA_REGISTRY_USERNAME',
      'and SCHEMA_REGISTRY_PASSWORD must be set together',
    );
  }
  return {
    url,
    ...(username && password ? { auth: { username, password } } : {}),
    timeoutMs: positiveInt(env, 'SCHEMA_REGISTRY_TIMEOUT_MS', 5000),
    retries: positiveInt(env, 'SCHEMA_REGISTRY_RETRIES', 3, true),
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, allowZero = false): number {
  return readIntegerEnv(
    env,
    name,
    { fallback, min: allowZero ? 0 : 1 },
    (variable, detail) => new RegistryConfigError(variable, detail),
  );
}
