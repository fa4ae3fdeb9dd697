import { Cancellable, Punctuator } from '../api';

interface Schedule {
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  next: number;
  cancelled: boolean;
}

/**
 * Punctuations of one kind (stream time or wall clock) for one task.
 * A schedule fires at most once per call, with the current time, then moves
 * to the next interval boundary after it: Kafka Streams skips missed
 * intervals rather than firing a burst of catch-up punctuations.
 */
export class PunctuationQueue {
  private readonly schedules: Schedule[] = [];

  /** Adds a schedule whose first firing is at `first`. */
  schedule(first: number, intervalMs: number, punctuator: Punctuator): Cancellable {
    const entry: Schedule = { intervalMs, punctuator, next: first, cancelled: false };
    this.schedules.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Fires every schedule due at `now`; returns how many fired. */
  mayPunctuate(now: number, run: (fire: () => void) => void): number {
    if (this.schedules.length === 0) return 0;
    let fired = 0;
    for (const entry of this.schedules) {
      if (entry.cancelled || now < entry.next) continue;
      // Kafka Streams' PunctuationSchedule#next: the next boundary after `now`, missed ones skipped.
      entry.next += Math.floor((now - entry.next) / entry.intervalMs + 1) * entry.intervalMs;
      run(() => entry.punctuator(now));
      fired++;
    }
    return fired;
  }
}
