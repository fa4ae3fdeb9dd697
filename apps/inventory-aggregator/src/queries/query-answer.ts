/**
 * What an interactive query answers: a status, a JSON body and, on 503, a
 * Retry-After. Local answers and answers relayed from the owning instance
 * share this shape, so the controller writes both the same way. Error bodies
 * follow Nest's `{statusCode, error, message}`.
 */

/** One HTTP answer. */
export interface QueryAnswer {
  readonly status: number;
  readonly body: unknown;
  /** Seconds, sent as `Retry-After` (503 only). */
  readonly retryAfterSeconds?: number;
  /** How the answer was reached, for metrics and logs. */
  readonly outcome: QueryOutcome;
}

/** `local` and `forwarded` are answers with a body; the rest are errors. */
export type QueryOutcome = 'local' | 'forwarded' | 'not_found' | 'unavailable';

/** 200 from this instance's stores. */
export function found(body: unknown): QueryAnswer {
  return { status: 200, body, outcome: 'local' };
}

/** 404: the owner has no such key. */
export function notFound(what: string): QueryAnswer {
  return {
    status: 404,
    body: {
      statusCode: 404,
      error: 'Not Found',
      message: `${what} is unknown: no transaction was counted for it`,
    },
    outcome: 'not_found',
  };
}

/** 503: state restoring or moving, owner unknown or unreachable; retry later. */
export function unavailable(message: string, retryAfterSeconds: number): QueryAnswer {
  return {
    status: 503,
    body: { statusCode: 503, error: 'Service Unavailable', message },
    retryAfterSeconds,
    outcome: 'unavailable',
  };
}
