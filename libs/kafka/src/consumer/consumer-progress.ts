/**
 * How far the consumer is: caught up with the input topics as they were at
 * start-up (readiness), and its lag since (metrics, readiness).
 *
 * At start the high watermark of every input partition is the target. A
 * partition is caught up once a record at or past `target - 1` was processed,
 * or kafkajs reports a batch reaching it (the last offsets of a partition may
 * be transaction markers, which handlers never see). Empty partitions are
 * caught up from the start. Once caught up, the instance stays ready unless
 * the lag grows past the configured maximum.
 */
import type { Admin, Consumer } from 'kafkajs';

/** Progress of one partition. */
interface PartitionProgress {
  /** High watermark at start-up. */
  readonly target: bigint;
  /** Next offset to process. */
  next: bigint;
  /** Records behind the high watermark, as kafkajs last reported. */
  lag: number;
}

/** A readiness-friendly summary. */
export interface ProgressReport {
  readonly caughtUp: boolean;
  /** Sum of the partitions' lag. */
  readonly lag: number;
  /** Partitions still replaying, `topic/partition: next of target`. */
  readonly pending: string[];
}

/** Tracks input partitions; fed by the caller's record handling ({@link processed}) and the consumer's batch events. */
export class ConsumerProgress {
  private readonly partitions = new Map<string, PartitionProgress>();
  private caughtUpAt: Date | undefined;
  private readonly waiters: Array<() => void> = [];

  /** Reads the targets: the input topics' high watermarks now. */
  async start(admin: Admin, topics: readonly string[]): Promise<void> {
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const target = BigInt(p.high);
        const low = BigInt(p.low);
        this.partitions.set(`${topic}/${p.partition}`, { target, next: low, lag: Number(target - low) });
      }
    }
    this.check();
  }

  /** Follows kafkajs' batch events: lag per partition, and batches that end past the target. */
  attach(consumer: Consumer): void {
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const progress = this.partitions.get(`${payload.topic}/${payload.partition}`);
      if (progress === undefined) return;
      progress.lag = Number(payload.offsetLag);
      this.advance(progress, BigInt(payload.lastOffset) + 1n);
    });
  }

  /** A record of an input topic was processed (and committed). */
  processed(topic: string, partition: number, offset: string): void {
    const progress = this.partitions.get(`${topic}/${partition}`);
    if (progress !== undefined) this.advance(progress, BigInt(offset) + 1n);
  }

  /** Resolves once caught up. */
  caughtUp(): Promise<void> {
    return this.caughtUpAt ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** True once every input partition reached its start-up high watermark. */
  isCaughtUp(): boolean {
    return this.caughtUpAt !== undefined;
  }

  /** For readiness and metrics. */
  report(): ProgressReport {
    let lag = 0;
    const pending: string[] = [];
    for (const [key, p] of this.partitions) {
      lag += p.lag;
      if (p.next < p.target) pending.push(`${key}: ${p.next} of ${p.target}`);
    }
    return { caughtUp: this.isCaughtUp(), lag, pending };
  }

  private advance(progress: PartitionProgress, next: bigint): void {
    if (next > progress.next) progress.next = next;
    if (!this.caughtUpAt && progress.next >= progress.target) this.check();
  }

  private check(): void {
    if (this.caughtUpAt) return;
    for (const p of this.partitions.values()) if (p.next < p.target) return;
    this.caughtUpAt = new Date();
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
