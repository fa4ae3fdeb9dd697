/**
 * Follows `inventory.alerts` for as long as the replica runs, with a fresh
 * group per start reading every partition from the beginning (as the view
 * does): every alert, raised by any replica, reaches `onAlert`. That is how
 * the detector knows what the others raised, how a crossing handed to the
 * owner is known to be done, and where the page's recent alerts come from.
 *
 * `catchUp()` resolves once everything on the topic when it was called has
 * been handed to `onAlert`: at start-up (before the replay, so it does not
 * raise again what is there) and before ownership of a partition takes effect.
 */
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { AvroSerde, InventoryAlert } from '@eda/events';
import { ClientStateProbe, isRetriable } from '@eda/kafka';

/** What {@link AlertsFollower} needs. */
export interface AlertsFollowerOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** A group of this replica alone, unique per start. */
  readonly groupId: string;
  readonly serde: AvroSerde<InventoryAlert>;
  /** Every alert, in topic order per partition. */
  readonly onAlert: (alert: InventoryAlert) => void;
  /** A record that will never decode (ignored: it is nobody's alert). */
  readonly onUndecodable?: (partition: number, offset: string, error: Error) => void;
}

/** The follower; `start` once, `stop` on shutdown. */
export class AlertsFollower {
  readonly consumer: Consumer;
  /** Reads the topic's end offsets (with kafkajs' retries: start-up fails on a persistent error only). */
  private readonly admin: Admin;
  /** Lifecycle for the health probes. */
  readonly state: ClientStateProbe;
  /** Next offset to read, per partition. */
  private readonly positions = new Map<number, bigint>();
  private readonly waiters = new Set<() => void>();
  private stopped = false;

  constructor(private readonly options: AlertsFollowerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // An idle long poll returns after this; new alerts return at once.
      maxWaitTimeInMs: 1000,
    });
    this.admin = options.kafka.admin();
    this.state = ClientStateProbe.forConsumer(this.consumer);
    // After the batch was applied; also for batches of control records only.
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== options.topic) return;
      const next = BigInt(payload.lastOffset) + 1n;
      if (next > (this.positions.get(payload.partition) ?? -1n)) this.positions.set(payload.partition, next);
      for (const check of [...this.waiters]) check();
    });
  }

  /** Starts following and resolves once the alerts already on the topic were read. */
  async start(timeoutMs = 60_000): Promise<void> {
    await this.admin.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => this.apply(batch.partition, batch.messages),
    });
    await this.catchUp(timeoutMs);
  }

  /**
   * Resolves once every alert on the topic now was handed to `onAlert`;
   * rejects after `timeoutMs`, or when the follower stops.
   */
  async catchUp(timeoutMs = 60_000): Promise<void> {
    if (this.stopped) throw new Error(`stopped following ${this.options.topic}`);
    const targets = new Map<number, bigint>();
    for (const p of await this.admin.fetchTopicOffsets(this.options.topic)) {
      if (BigInt(p.high) > BigInt(p.low)) targets.set(p.partition, BigInt(p.high));
    }
    const reached = () =>
      [...targets].every(([partition, high]) => (this.positions.get(partition) ?? -1n) >= high);
    if (reached()) return;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (this.stopped) done(new Error(`stopped following ${this.options.topic}`));
        else if (reached()) done();
      };
      const timer = setTimeout(
        () => done(new Error(`${this.options.topic} was not read up to its end within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.add(check);
    });
  }

  /** Stops following. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const check of [...this.waiters]) check();
    await Promise.allSettled([this.consumer.disconnect(), this.admin.disconnect()]);
  }

  /**
   * Decodes a batch in parallel, then hands the alerts over in order. A
   * retriable failure (registry unavailable) throws, so kafkajs fetches the
   * batch again rather than the detector missing an alert.
   */
  private async apply(partition: number, messages: KafkaMessage[]): Promise<void> {
    const decoded = await Promise.all(
      messages.map(async (m) => {
        if (m.value === null) return undefined;
        try {
          return await this.options.serde.decode(m.value);
        } catch (err) {
          if (isRetriable(err)) throw err;
          this.options.onUndecodable?.(
            partition,
            m.offset,
            err instanceof Error ? err : new Error(String(err)),
          );
          return undefined;
        }
      }),
    );
    for (const alert of decoded) if (alert !== undefined) this.options.onAlert(alert);
  }
}
