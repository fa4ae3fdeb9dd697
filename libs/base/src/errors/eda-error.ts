/**
 * The one error base of the workspace, in the style of kafkajs's errors
 * module: every library's errors (`EventsError`, `KafkaClientError`,
 * `MqTransportError`, `StreamsError`) extend {@link EdaError}, so each carries
 * a stable `code` and a `retriable` flag, and {@link isRetriable} reads them
 * all the same way.
 */

/** What every {@link EdaError} constructor takes besides its code and message. */
export interface EdaErrorOptions {
  /** True when repeating the operation later may succeed. Default: false. */
  readonly retriable?: boolean;
  /** The error that caused this one (`Error.cause`). */
  readonly cause?: unknown;
}

/** Base class of every error the `@eda/*` libraries throw. */
export class EdaError extends Error {
  /** Stable machine-readable code, e.g. `EDA_KAFKA_CONFIG`. */
  readonly code: string;
  /** True when repeating the same operation later may succeed. */
  readonly retriable: boolean;

  constructor(code: string, message: string, options: EdaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/**
 * Errors that only say "a retrier gave up", not why: kafkajs throws
 * `KafkaJSNumberOfRetriesExceeded` after its own retries, and an outer
 * retrier wraps that in `KafkaJSNonRetriableError`. Both say
 * `retriable: false` even when every attempt failed for a passing reason (a
 * restarting broker); their `cause` says why.
 */
const RETRIER_WRAPPERS = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSNonRetriableError']);

/**
 * True when repeating the operation later may succeed.
 *
 * Reads the `retriable` flag that {@link EdaError}s, kafkajs errors and the MQ
 * transport's exceptions carry, after looking through retrier wrappers (see
 * above) to the innermost cause. For an error without the flag (a handler's
 * bug, a plain `Error`, a non-error value) the answer is `unflagged`, which
 * defaults to **true**: a consumer gives such a record the benefit of the doubt
 * and retries it (its retries are bounded and end in the DLQ). A caller for
 * which a blind retry is wrong (a producer loop that should fail fast on a
 * bug) passes `false`.
 */
export function isRetriable(error: unknown, unflagged = true): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 8 && e instanceof Error && RETRIER_WRAPPERS.has(e.name) && e.cause; depth++) {
    e = e.cause;
  }
  const flag = (e as { retriable?: unknown } | null | undefined)?.retriable;
  return typeof flag === 'boolean' ? flag : unflagged;
}
