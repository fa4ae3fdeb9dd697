/**
 * Which `store.inventory` partitions this replica raises alerts for: the ones
 * the shared alerting consumer group assigned to it, a Kafka-native leader
 * election per partition. Kept as a pure state machine, fed with the group
 * member's lifecycle ({@link AlertingMembership}) and the clock, so the rules
 * are testable without a broker.
 *
 * - **Epochs.** Each assignment (kafkajs `GROUP_JOIN`) starts an epoch. Its
 *   partitions only become owned once the epoch is `confirm`ed, which the
 *   publisher does after reading the alerts topic up to where it stood when
 *   the epoch began: the previous owner had stopped by then (below), so every
 *   alert it raised is known, and the gained partitions' pending crossings can
 *   be raised without repeating them.
 * - **Revocation first.** kafkajs uses the eager rebalance protocol: on a
 *   rebalance every member gives up its partitions and rejoins, and the group
 *   assigns them only once all members rejoined. The member drops ownership
 *   when it learns of the rebalance (`REBALANCING`), before rejoining, so two
 *   replicas never own a partition at once, but for a publish already in
 *   flight.
 * - **Lease.** A member that stops heartbeating (a long pause, a network
 *   partition) is evicted after the session timeout and its partitions go to
 *   others, maybe without it hearing of it. Ownership therefore lapses when no
 *   heartbeat succeeded for `leaseMs` (below the session timeout); a heartbeat
 *   after a lapse starts a new epoch, as the member may have missed alerts.
 */

/** A new epoch: confirm it with {@link PartitionOwnership.confirm} once the alerts topic is read. */
export interface Epoch {
  readonly epoch: number;
  readonly partitions: readonly number[];
}

/** The state; one per replica. */
export class PartitionOwnership {
  private epoch = 0;
  private assigned: ReadonlySet<number> = new Set();
  private confirmed = false;
  private renewedAt = Number.NEGATIVE_INFINITY;

  /** @param leaseMs ownership lapses this long after the last successful heartbeat. */
  constructor(private readonly leaseMs: number) {}

  /** The group assigned `partitions` to this member (a join, after any rebalance). */
  assign(partitions: Iterable<number>, now: number): Epoch {
    this.assigned = new Set(partitions);
    this.renewedAt = now;
    return this.begin();
  }

  /**
   * A heartbeat succeeded: the member still holds its assignment. Returns a
   * new epoch when ownership had lapsed (it must be confirmed again).
   */
  renew(now: number): Epoch | undefined {
    const lapsed = this.lapsed(now);
    this.renewedAt = now;
    return lapsed && this.assigned.size > 0 ? this.begin() : undefined;
  }

  /** A rebalance started, or the member stopped, crashed or disconnected: owns nothing. */
  revoke(): void {
    this.assigned = new Set();
    this.confirmed = false;
    this.epoch += 1;
  }

  /**
   * Makes `epoch`'s partitions owned, if it is still the current epoch and the
   * lease holds. Returns the partitions that became owned (none when stale).
   */
  confirm(epoch: number, now: number): number[] {
    if (epoch !== this.epoch || this.lapsed(now)) return [];
    this.confirmed = true;
    return [...this.assigned].sort((a, b) => a - b);
  }

  /** True when this replica raises the alerts of `partition` now. */
  owns(partition: number, now: number): boolean {
    return this.confirmed && !this.lapsed(now) && this.assigned.has(partition);
  }

  /** The partitions owned now. */
  owned(now: number): number[] {
    return this.confirmed && !this.lapsed(now) ? [...this.assigned].sort((a, b) => a - b) : [];
  }

  /** True while `epoch` is current (an acquisition in progress may go on). */
  isCurrent(epoch: number): boolean {
    return epoch === this.epoch;
  }

  private begin(): Epoch {
    this.epoch += 1;
    this.confirmed = false;
    return { epoch: this.epoch, partitions: [...this.assigned].sort((a, b) => a - b) };
  }

  private lapsed(now: number): boolean {
    return now - this.renewedAt >= this.leaseMs;
  }
}
