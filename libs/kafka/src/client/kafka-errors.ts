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

/**
 * True when repeating the operation later may succeed. kafkajs marks the
 * error it throws after its own retries (`KafkaJSNumberOfRetriesExceeded`)
 * as not retriable even when every attempt failed for a retriable reason,
 * such as a broker that is restarting; the cause chain tells the two apart.
 */
export function isRetriableKafkaError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    const retriable = (e as { retriable?: unknown }).retriable;
    if (retriable === true) return true;
    if (e.name !== 'KafkaJSNumberOfRetriesExceeded') return false;
    e = e.cause;
  }
  return false;
}
