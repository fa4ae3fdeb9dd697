import type { Admin } from 'kafkajs';

/** A repartition partition's committed offset: every record below it has been consumed for good. */
export interface CommittedPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** The admin calls a purge needs. */
export type PurgeAdmin = Pick<Admin, 'fetchTopicOffsets' | 'deleteTopicRecords'>;

/**
 * Deletes consumed records from repartition topics (Kafka Streams' KIP-204,
 * throttled as in KIP-811). Repartition topics are created with infinite
 * retention, since only the application knows when a record is consumed: after
 * a commit, records below the committed offset are never read again (a task
 * that moves resumes from that offset), so they are deleted with the
 * DeleteRecords API, advancing the partition's log start offset.
 *
 * At most one purge runs at a time and at most one starts per `intervalMs`;
 * it runs beside processing and is never awaited by a commit. Failures are
 * not fatal: the records stay, and the next purge asks again.
 */
export class RepartitionPurger {
  private last = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  /** Offset purged up to, per `topic:partition`. */
  private readonly purged = new Map<string, number>();
  /** Topics whose metadata the admin client has loaded (kafkajs needs it before DeleteRecords). */
  private readonly known = new Set<string>();
  private requests = 0;
  private error: unknown;

  constructor(
    private readonly admin: PurgeAdmin,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** DeleteRecords requests sent so far (one per topic per purge). */
  get requestCount(): number {
    return this.requests;
  }

  /** The last purge failure, if the last purge failed. */
  get lastError(): unknown {
    return this.error;
  }

  /** After a successful commit: starts a purge up to `committed` if one is due; does not wait for it. */
  maybePurge(committed: Iterable<CommittedPosition>): void {
    if (this.inFlight !== undefined || this.now() - this.last < this.intervalMs) return;
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const { topic, partition, offset } of committed) {
      if ((this.purged.get(`${topic}:${partition}`) ?? 0) >= offset) continue;
      const partitions = byTopic.get(topic) ?? [];
      partitions.push({ partition, offset: String(offset) });
      byTopic.set(topic, partitions);
    }
    if (byTopic.size === 0) return;
    this.last = this.now();
    this.inFlight = this.purge(byTopic).finally(() => {
      this.inFlight = undefined;
    });
  }

  /** Waits for the purge in flight, if any (before the admin client disconnects). */
  async idle(): Promise<void> {
    await this.inFlight;
  }

  private async purge(byTopic: Map<string, Array<{ partition: number; offset: string }>>): Promise<void> {
    for (const [topic, partitions] of byTopic) {
      try {
        if (!this.known.has(topic)) {
          await this.admin.fetchTopicOffsets(topic);
          this.known.add(topic);
        }
        this.requests++;
        await this.admin.deleteTopicRecords({ topic, partitions });
        for (const p of partitions) this.purged.set(`${topic}:${p.partition}`, Number(p.offset));
        this.error = undefined;
      } catch (err) {
        this.error = err;
      }
    }
  }
}
