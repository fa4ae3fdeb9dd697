/**
 * Commits processed offsets through the consumer, coalesced: a handler marks
 * its record done after the work succeeded, and the highest done offset per
 * partition is committed at most every `intervalMs` (or every `maxPending`
 * records), plus once more when the consumer stops. One commit request per
 * record costs about 6 ms on a local broker (docs/benchmarks.md, "Dashboard
 * consumer transport"), which would make a start-up replay crawl.
 *
 * Safe because kafkajs hands a partition's records to `eachMessage` one at a
 * time in offset order: every offset below a done one is done too, so a
 * commit never skips unprocessed work. A crash loses at most the uncommitted
 * tail, which is redelivered (at-least-once; handlers must be idempotent).
 */
import type { Consumer } from 'kafkajs';

/** Offsets to commit, by `topic/partition`. */
type Pending = Map<string, { topic: string; partition: number; offset: string }>;

/** One per consumer. */
export class OffsetCommitter {
  private pending: Pending = new Map();
  private lastCommit = Date.now();
  private inFlight: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly maxPending = 5000,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  /** Commits whatever is pending every `intervalMs`, so an idle partition's tail is committed too. */
  start(consumer: Consumer): void {
    this.stop();
    this.timer = setInterval(() => void this.flush(consumer).catch(this.onError), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer; call {@link flush} afterwards for the final commit. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Marks `offset` processed; commits when the interval has passed or enough
   * is pending. A failed commit is reported to `onError`, not thrown: the work
   * is done, and the offsets stay pending for the next commit.
   */
  async processed(consumer: Consumer, topic: string, partition: number, offset: string): Promise<void> {
    const next = (BigInt(offset) + 1n).toString();
    this.pending.set(`${topic}/${partition}`, { topic, partition, offset: next });
    if (this.pending.size >= this.maxPending || Date.now() - this.lastCommit >= this.intervalMs) {
      await this.flush(consumer).catch(this.onError);
    }
  }

  /** Commits everything pending (one request), after any commit already in flight. */
  flush(consumer: Consumer): Promise<void> {
    // Chained so commits never overlap; an earlier failure does not stop this one.
    this.inFlight = this.inFlight
      .catch(() => undefined)
      .then(async () => {
        if (this.pending.size === 0) return;
        const batch = [...this.pending.values()];
        this.pending = new Map();
        this.lastCommit = Date.now();
        try {
          await consumer.commitOffsets(batch);
        } catch (err) {
          // Put back what no newer mark replaced, for the next attempt.
          for (const entry of batch) {
            const key = `${entry.topic}/${entry.partition}`;
            if (!this.pending.has(key)) this.pending.set(key, entry);
          }
          throw err;
        }
      });
    return this.inFlight;
  }
}
