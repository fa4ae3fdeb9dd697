/**
 * Errors of the Kafka client layer, in the style of kafkajs's errors module:
 * one base class, a stable `code`, and a `retriable` flag.
 */

/** Base class of the errors `@eda/kafka` client code throws. */
export class KafkaClientError extends Error {
  /** Stable machine-readable code, e.g. `EDA_KAFKA_CONFIG`. */
  readonly code: string;
  /** True when retrying the same operation later may succeed. */
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** A Kafka client variable is missing or malformed. Not retriable: fix the environment and restart. */
export class KafkaConfigError extends KafkaClientError {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super('EDA_KAFKA_CONFIG', `${variable} ${detail}. Fix the environment and restart.`);
  }
}

/** kafkajs's wrappers: they say "the retrier stopped", not why. The cause says why. */
const KAFKAJS_WRAPPERS = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSNonRetriableError']);

/**
 * True when repeating the operation later may succeed. After its own retries
 * kafkajs throws `KafkaJSNumberOfRetriesExceeded`, which an outer retrier
 * wraps again in `KafkaJSNonRetriableError`; both say `retriable: false` even
 * when every attempt failed for a retriable reason, such as a restarting
 * broker. The innermost cause tells a passing outage from a fatal error.
 */
export function isRetriableKafkaError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && e instanceof Error && KAFKAJS_WRAPPERS.has(e.name) && e.cause; depth++) {
    e = e.cause;
  }
  return e instanceof Error && (e as { retriable?: unknown }).retriable === true;
}
