/**
 * Per-task lag: for each task this instance runs, the records between the end
 * of its input partition (the high watermark) and the offset the application
 * committed for it (its consumer group is the application.id), as Kafka
 * Streams' `records-lag` and the kafka exporter's consumer-group lag count
 * them. A partition with no commit yet counts from its log start.
 *
 * On a topic written in transactions (the repartition topic, under
 * exactly-once) the end offset includes the commit markers, so an idle task
 * may show a lag of 1 there; on the input topic it drains to 0.
 *
 * Read through the admin API at scrape time, at most once per `maxAgeMs`.
 */
import type { Admin, Kafka } from 'kafkajs';

/** One task's input partition. */
export interface TaskInput {
  /** Task id, `<subtopology>_<partition>`. */
  readonly task: string;
  readonly topic: string;
  readonly partition: number;
}

/** A task input partition and how many records it is behind. */
export interface TaskLag extends TaskInput {
  readonly lag: number;
}

/** Reads {@link TaskLag}s for one application. */
export class StreamsLag {
  private admin: Admin | undefined;
  private connecting: Promise<void> | undefined;
  private cached: { at: number; key: string; value: TaskLag[] } | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly maxAgeMs = 1000,
  ) {}

  /** The lag of each of `inputs`; rejects when the cluster cannot be read. */
  async read(inputs: readonly TaskInput[]): Promise<TaskLag[]> {
    const key = inputs.map((i) => `${i.task}/${i.topic}/${i.partition}`).join(',');
    if (this.cached && this.cached.key === key && Date.now() - this.cached.at < this.maxAgeMs) {
      return this.cached.value;
    }
    if (inputs.length === 0) return [];
    const admin = await this.connected();
    const topics = [...new Set(inputs.map((i) => i.topic))];
    const [committed, ends] = await Promise.all([
      admin.fetchOffsets({ groupId: this.groupId, topics }),
      Promise.all(topics.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const)),
    ]);
    const committedOf = new Map<string, number>();
    for (const t of committed)
      for (const p of t.partitions) committedOf.set(`${t.topic}/${p.partition}`, Number(p.offset));
    const endOf = new Map<string, { low: number; high: number }>();
    for (const [topic, partitions] of ends)
      for (const p of partitions)
        endOf.set(`${topic}/${p.partition}`, { low: Number(p.low), high: Number(p.high) });
    const value = inputs.map((input) => {
      const id = `${input.topic}/${input.partition}`;
      const end = endOf.get(id) ?? { low: 0, high: 0 };
      const position = committedOf.get(id) ?? -1;
      return { ...input, lag: Math.max(0, end.high - (position >= 0 ? position : end.low)) };
    });
    this.cached = { at: Date.now(), key, value };
    return value;
  }

  /** Disconnects the admin client. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.connecting = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async connected(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin({ retry: { retries: 0 } });
      this.connecting = this.admin.connect().catch((err: unknown) => {
        this.admin = undefined;
        this.connecting = undefined;
        throw err;
      });
    }
    const admin = this.admin;
    await this.connecting;
    return admin;
  }
}
