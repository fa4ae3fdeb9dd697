/**
 * Waiting for a retry record's due time without losing the group: the wait
 * heartbeats, so a delay longer than the session timeout does not get the
 * consumer evicted, and it gives up early when the consumer is stopping.
 */

/** Options of {@link waitUntilDue}. */
export interface WaitUntilDueOptions {
  /** The consumer's heartbeat (kafkajs `eachMessage`'s `heartbeat`). */
  readonly heartbeat: () => Promise<void>;
  /** Heartbeat at least this often; keep it under a third of the session timeout. */
  readonly heartbeatIntervalMs?: number;
  /** When it returns true the wait ends at once (the consumer is shutting down). */
  readonly aborted?: () => boolean;
  readonly clock?: () => number;
}

/**
 * Resolves when `notBefore` (epoch millis) has passed: true, or false when
 * `aborted` ended the wait first, in which case the caller must not process
 * or commit the record, so it is read again.
 */
export async function waitUntilDue(notBefore: number, options: WaitUntilDueOptions): Promise<boolean> {
  const clock = options.clock ?? Date.now;
  const step = options.heartbeatIntervalMs ?? 1000;
  for (;;) {
    if (options.aborted?.()) return false;
    const left = notBefore - clock();
    if (left <= 0) return true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, step, 100)));
    await options.heartbeat();
  }
}
