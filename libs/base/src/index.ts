/**
 * @eda/base: what every project may import, with no dependencies of its own.
 *
 * - {@link EdaError}, the base class of every `@eda/*` library's errors, and
 *   {@link isRetriable}, the one way to read their `retriable` flag;
 * - {@link readIntegerEnv}, the one reader of integer environment variables.
 */
export { EdaError, isRetriable, type EdaErrorOptions } from './errors/eda-error';
export {
  EnvVariableError,
  readIntegerEnv,
  type IntegerEnvOptions,
  type InvalidEnvVariable,
} from './env/integer-env';
