/**
 * Exponential backoff with jitter for reconnects and retries, and a sleep
 * that an AbortSignal cuts short (so a shutdown never waits out a delay).
 */

/** Backoff settings; a small immutable value object. */
export interface BackoffPolicy {
  /** First delay. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay. */
  readonly maxDelayMs: number;
  /** Growth per attempt. */
  readonly multiplier: number;
  /** Random spread, as a fraction of the delay (0.2 = ±20 %), so many clients do not retry in step. */
  readonly jitter: number;
}

/** 0.5 s doubling to 30 s, ±20 %: what a queue manager restart or a failover needs. */
export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.2,
});

/** The delay before attempt `attempt` (0-based), jittered and capped. */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt));
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(policy.maxDelayMs, base + spread)));
}

/** Resolves after `ms`, or at once (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
