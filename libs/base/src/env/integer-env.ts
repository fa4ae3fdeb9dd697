/**
 * Integer environment variables, read and validated one way everywhere:
 * the apps' config namespaces, the Kafka and registry client settings, the
 * CLIs. Configuration is validated once at start-up and fails fast naming the
 * variable (STYLE.md, rule 6); each caller keeps its own error type through
 * {@link InvalidEnvVariable}.
 */
import { EdaError } from '../errors/eda-error';

/** Accepted values; both bounds inclusive. */
export interface IntegerEnvOptions {
  /** Returned when the variable is unset or empty. Without it, such a variable reads as `undefined`. */
  readonly fallback?: number;
  /** Smallest accepted value. Default `Number.MIN_SAFE_INTEGER`. */
  readonly min?: number;
  /** Largest accepted value. Default `Number.MAX_SAFE_INTEGER`. */
  readonly max?: number;
}

/** Builds the error for a malformed variable, e.g. an app's own `SimulatorConfigError`. */
export type InvalidEnvVariable = (variable: string, detail: string, raw: string) => Error;

/** The default {@link InvalidEnvVariable}: not retriable, fix the environment and restart. */
export class EnvVariableError extends EdaError {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super('EDA_ENV_VARIABLE', `${variable} ${detail}. Fix the environment and restart.`);
  }
}

/**
 * Reads `env[name]` as an integer from `min` to `max`: `fallback` when unset
 * or empty (or `undefined` without a fallback), else the value, else throws
 * `invalid(name, detail, raw)`. The detail names the accepted range: `must be
 * an integer from 1 to 100`, or without a `max`, `must be a positive integer`
 * (`min` 1) or `must be a non-negative integer` (`min` 0); then `got "<raw>"`.
 */
export function readIntegerEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  options: IntegerEnvOptions & { readonly fallback: number },
  invalid?: InvalidEnvVariable,
): number;
export function readIntegerEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  options: IntegerEnvOptions,
  invalid?: InvalidEnvVariable,
): number | undefined;
export function readIntegerEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  options: IntegerEnvOptions,
  invalid: InvalidEnvVariable = (variable, detail) => new EnvVariableError(variable, detail),
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return options.fallback;
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(name, `must be ${describeRange(options)}, got "${raw}"`, raw);
  }
  return value;
}

function describeRange({ min, max }: IntegerEnvOptions): string {
  if (max !== undefined) return `an integer from ${min ?? Number.MIN_SAFE_INTEGER} to ${max}`;
  if (min === 1) return 'a positive integer';
  if (min === 0) return 'a non-negative integer';
  return min === undefined ? 'an integer' : `an integer of at least ${min}`;
}
