import { TopologyError } from '../errors';

/**
 * Fixed-size time windows: tumbling (advance = size) or hopping (advance < size),
 * aligned to the epoch. A record at `t` belongs to every window with
 * `start <= t < start + size`.
 *
 * The grace period says how long after a window ends (in stream time) a late
 * record is still accepted; later ones are dropped and counted in the
 * `streams.records.dropped{reason="late"}` metric (KIP-633 made grace explicit).
 *
 * @example
 * ```ts
 * TimeWindows.ofSizeAndGrace(60_000, 10_000);              // tumbling 1 min, 10 s grace
 * TimeWindows.ofSizeWithNoGrace(60_000).advanceBy(10_000); // hopping
 * ```
 */
export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  /** Tumbling windows of `sizeMs` accepting records up to `graceMs` late. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    if (!(sizeMs > 0)) throw new TopologyError(`Window size must be > 0, got ${sizeMs}.`);
    if (!(graceMs >= 0)) throw new TopologyError(`Grace period must be >= 0, got ${graceMs}.`);
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  /** Tumbling windows of `sizeMs` that drop any record arriving after its window closed. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeAndGrace(sizeMs, 0);
  }

  /** Hopping windows: a new window starts every `advanceMs` (0 < advance <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    if (!(advanceMs > 0 && advanceMs <= this.sizeMs)) {
      throw new TopologyError(`Window advance must be in (0, ${this.sizeMs}], got ${advanceMs}.`);
    }
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** Start times of every window containing `timestamp`, oldest first. */
  windowStartsFor(timestamp: number): number[] {
    const lastStart = timestamp - (timestamp % this.advanceMs);
    const starts: number[] = [];
    for (let start = lastStart; start > timestamp - this.sizeMs && start >= 0; start -= this.advanceMs) {
      starts.unshift(start);
    }
    return starts;
  }
}
