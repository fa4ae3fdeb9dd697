/**
 * The retry loop inside one MQ unit of work: dispatch the batch's messages,
 * sort each failure by whose fault it is (`handler-failure.ts`), and decide
 * whether to try again, and after how long:
 *
 * - poison: set aside for the backout queue, never dispatched again;
 * - sink unavailable: held; the batch is retried with `sinkHoldBackoff` for
 *   as long as it takes, and no retry budget runs meanwhile, because the
 *   messages are not to blame;
 * - unknown: retried with `retryBackoff` until `retryBudgetMs` is spent; then
 *   the caller backs the unit of work out (BackoutCount + 1).
 *
 * Internal to `ServerMQ`, which owns the unit of work and the sink state.
 */
import type { Logger } from '@nestjs/common';
import { backoffDelay, sleep, type BackoffPolicy } from '../client/backoff';
import type { MqMessage } from '../client/mq-message';
import { isMqConnectionLost } from '../errors/mq-errors';
import { BACKOUT_REASONS } from './backout-message';
import { classifyHandlerFailure } from './handler-failure';

/** Default retry delays for failures of unknown cause: 0.2 s doubling to 5 s. */
export const RETRY_BACKOFF: BackoffPolicy = {
  initialDelayMs: 200,
  maxDelayMs: 5000,
  multiplier: 2,
  jitter: 0.2,
};

/** Default delays while the sink is unavailable: 0.5 s doubling to 10 s, so a returning broker is used within ~10 s. */
export const SINK_HOLD_BACKOFF: BackoffPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.2,
};

/** One message of the unit of work and what became of it. */
export interface Work {
  readonly message: MqMessage;
  /** `held`: failed because the sink is unavailable (not the message's fault); `retry`: failed, cause unknown. */
  state: 'pending' | 'done' | 'poison' | 'retry' | 'held';
  reason?: string;
  error?: unknown;
}

/** What the loop needs from its server. */
export interface BatchRetryContext {
  readonly retryBudgetMs: number;
  readonly retryBackoff: BackoffPolicy;
  readonly sinkHoldBackoff: BackoffPolicy;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** True once the server is closing: stop retrying, the caller backs out. */
  closing(): boolean;
  /** Hands one message to its handler. */
  dispatch(message: MqMessage): Promise<void>;
  /** Called on every attempt with the number of held messages (0: the sink took everything). */
  sinkHeld(held: number, error: unknown): void;
}

/**
 * Dispatches until nothing fails, the server closes, or a failure of unknown
 * cause outlives the budget. Returns the number of attempts beyond the first.
 * Throws the error of a message whose handler lost the MQ connection.
 */
export async function retryBatch(work: Work[], ctx: BatchRetryContext): Promise<number> {
  let deadline = Date.now() + ctx.retryBudgetMs;
  let retryAttempt = 0;
  let holdAttempt = 0;
  for (let attempt = 0; ; attempt++) {
    const todo = work.filter((w) => w.state !== 'done' && w.state !== 'poison');
    const results = await Promise.allSettled(todo.map((w) => ctx.dispatch(w.message)));
    results.forEach((result, i) => settle(todo[i] as Work, result));
    const failed = work.filter((w) => w.state === 'retry' || w.state === 'held');
    const held = failed.filter((w) => w.state === 'held');
    ctx.sinkHeld(held.length, held[0]?.error);
    if (failed.length === 0 || ctx.closing()) return attempt;
    const lost = failed.find((w) => isMqConnectionLost(w.error));
    if (lost) throw lost.error;
    let delay: number;
    if (held.length > 0) {
      // Not the messages' fault: no budget runs while the sink is away.
      deadline = Date.now() + ctx.retryBudgetMs;
      delay = backoffDelay(ctx.sinkHoldBackoff, holdAttempt++);
      ctx.logger.warn(
        `Sink unavailable; holding ${work.length} message(s) under syncpoint, retrying in ${delay} ms: ${describeError(held[0]?.error)}`,
      );
    } else {
      if (Date.now() >= deadline) return attempt;
      delay = Math.min(backoffDelay(ctx.retryBackoff, retryAttempt++), deadline - Date.now());
      ctx.logger.warn(
        `${failed.length} message(s) failed; retrying in ${delay} ms: ${describeError(failed[0]?.error)}`,
      );
    }
    await sleep(delay, ctx.signal);
  }
}

/** Records one dispatch result on its work item, by whose fault a failure is. */
function settle(item: Work, result: PromiseSettledResult<void>): void {
  if (result.status === 'fulfilled') {
    item.state = 'done';
    return;
  }
  const failure = result.reason as unknown;
  item.error = failure;
  switch (classifyHandlerFailure(failure)) {
    case 'poison':
      item.state = 'poison';
      item.reason = String((failure as { reason?: unknown }).reason ?? BACKOUT_REASONS.invalid);
      return;
    case 'sink-unavailable':
      item.state = 'held';
      return;
    default:
      item.state = 'retry';
  }
}

/** The message of anything thrown. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err)
    return String((err as { message: unknown }).message);
  return String(err);
}
