/**
 * This replica's membership of the shared alerting consumer group
 * (`ALERTS_GROUP_ID`), subscribed to `store.inventory` only to be given a
 * share of its partitions: the group's assignment elects one owner per
 * partition among the running replicas, and the owner raises that
 * partition's alerts ({@link PartitionOwnership}). Kafka does the election,
 * the failure detection (session timeout) and the handover (rebalance).
 *
 * It reads nothing: the topic is paused right after `run` (and again after
 * every join, as a crash-restart builds a fresh kafkajs consumer group
 * object), so the runner only sleeps `maxWaitTimeInMs` and heartbeats. It
 * commits nothing either. Records come to the replica through its main
 * consumer, which reads every partition.
 */
import type { Consumer, Kafka } from 'kafkajs';
import { ClientStateProbe } from '@eda/kafka';
import type { Epoch, PartitionOwnership } from './partition-ownership';

/** What {@link AlertingMembership} needs. */
export interface AlertingMembershipOptions {
  readonly kafka: Kafka;
  /** The shared group, the same in every replica. */
  readonly groupId: string;
  /** The store.inventory topic (physical name). */
  readonly topic: string;
  /** The group's session timeout: how long a silent replica keeps its partitions. */
  readonly sessionTimeoutMs: number;
  readonly ownership: PartitionOwnership;
  /** A new epoch began: read the alerts topic, then confirm it. */
  readonly onEpoch: (epoch: Epoch) => void;
  /** Ownership ended (rebalance, stop, crash). */
  readonly onRevoked?: () => void;
}

/** Heartbeat cadence and lease for a session timeout (kafkajs' defaults at 30 s: 3 s and 20 s). */
export function membershipTimings(sessionTimeoutMs: number) {
  const heartbeatIntervalMs = Math.max(500, Math.min(3000, Math.floor(sessionTimeoutMs / 10)));
  return { heartbeatIntervalMs, leaseMs: Math.floor((sessionTimeoutMs * 2) / 3) };
}

/** One kafkajs consumer in the alerting group. */
export class AlertingMembership {
  readonly consumer: Consumer;
  /** Lifecycle for the health probes. */
  readonly state: ClientStateProbe;
  private stopping = false;

  constructor(private readonly options: AlertingMembershipOptions) {
    const { heartbeatIntervalMs } = membershipTimings(options.sessionTimeoutMs);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalMs,
      // While paused, the runner sleeps this long between heartbeat checks.
      maxWaitTimeInMs: heartbeatIntervalMs,
      allowAutoTopicCreation: false,
    });
    this.state = ClientStateProbe.forConsumer(this.consumer);
    this.listen();
  }

  /** Joins the group; resolves once joined (kafkajs reports a failure as a CRASH event). */
  async start(): Promise<void> {
    const { consumer, options } = this;
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: false });
    const running = consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Only reached before the pause took effect: read nothing, pause again.
      eachBatch: async () => this.pause(),
    });
    this.pause();
    await running;
  }

  /** Gives up ownership at once, then leaves the group, so the others rebalance without waiting. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.options.ownership.revoke();
    await this.consumer.disconnect();
  }

  private pause(): void {
    try {
      this.consumer.pause([{ topic: this.options.topic }]);
    } catch {
      // Not running (yet, or any more): the next join pauses it.
    }
  }

  private listen(): void {
    const { consumer, options } = this;
    const { events } = consumer;
    const revoke = () => {
      options.ownership.revoke();
      options.onRevoked?.();
    };
    consumer.on(events.GROUP_JOIN, ({ payload }) => {
      this.pause();
      if (this.stopping) return;
      const partitions = payload.memberAssignment[options.topic] ?? [];
      options.onEpoch(options.ownership.assign(partitions, Date.now()));
    });
    consumer.on(events.HEARTBEAT, () => {
      if (this.stopping) return;
      const epoch = options.ownership.renew(Date.now());
      if (epoch) options.onEpoch(epoch);
    });
    consumer.on(events.REBALANCING, revoke);
    consumer.on(events.STOP, revoke);
    consumer.on(events.CRASH, revoke);
    consumer.on(events.DISCONNECT, revoke);
  }
}
