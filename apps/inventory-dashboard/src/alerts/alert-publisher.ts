/**
 * Raises `InventoryAlert`s on `inventory.alerts`, keyed `storeId/sku`, Avro
 * through the registry (never auto-registering), once per crossing across all
 * replicas:
 *
 * - every replica keeps the whole view and runs the {@link LowStockDetector}
 *   on every store snapshot, but publishes only for the `store.inventory`
 *   partitions it owns in the shared alerting group
 *   ({@link AlertingMembership}, {@link PartitionOwnership});
 * - a crossing on a partition it does not own is kept as pending
 *   ({@link PendingCrossings}) until the owner's alert is read back
 *   ({@link AlertsFollower}); when the replica gains the partition, it first
 *   reads the alerts topic up to its end, then raises the pending crossings
 *   the topic still does not tell of. So a handover (scale up or down, crash,
 *   rebalance) loses no crossing.
 *
 * Publishes go through one queue, in order, so shutdown can wait for the one
 * in flight before leaving the group.
 */
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import {
  AvroSerde,
  createSchemaRegistryClient,
  inventorySchemas,
  type InventoryAlert,
  type StoreInventory,
} from '@eda/events';
import { ACKS_ALL } from '@eda/kafka';
import { injectTraceContext } from '@eda/app-runtime';
import {
  dashboardConfig,
  registryConfig,
  type DashboardSettings,
  type RegistrySettings,
} from '../config/dashboard.config';
import { DashboardKafka } from '../consumer/dashboard-kafka';
import { InventoryView } from '../inventory/inventory-view';
import { DashboardMetrics } from '../metrics/dashboard-metrics';
import { AlertingMembership, membershipTimings } from './alerting-membership';
import { AlertsFollower } from './alerts-follower';
import { LowStockDetector } from './low-stock-detector';
import type { Epoch } from './partition-ownership';
import { PartitionOwnership } from './partition-ownership';
import { PendingCrossings, type PendingCrossing } from './pending-crossings';

/** Pause before retrying a failed read of the alerts topic or a failed hand-over publish. */
const RETRY_MS = 1000;

/** Evaluates each store snapshot; publishes what this replica owns, keeps the rest pending. */
@Injectable()
export class AlertPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertPublisher.name);
  private readonly detector: LowStockDetector;
  private readonly serde: AvroSerde<InventoryAlert>;
  private readonly topic: string;
  private readonly pending = new PendingCrossings();
  readonly ownership: PartitionOwnership;
  readonly membership: AlertingMembership;
  readonly follower: AlertsFollower;
  /** The publish queue's tail. */
  private sending: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Alerts read during the start-up catch-up, shown on the page in time order once read. */
  private startupAlerts: InventoryAlert[] | undefined = [];

  constructor(
    @Inject(dashboardConfig.KEY) private readonly settings: DashboardSettings,
    @Inject(registryConfig.KEY) registry: RegistrySettings,
    private readonly kafka: DashboardKafka,
    private readonly view: InventoryView,
    private readonly metrics: DashboardMetrics,
  ) {
    this.detector = new LowStockDetector(settings.lowStockThreshold);
    this.topic = settings.topics.alerts;
    this.serde = new AvroSerde<InventoryAlert>({
      registry: createSchemaRegistryClient(registry),
      schema: inventorySchemas.InventoryAlert,
      autoRegister: false,
    });
    const { alerting } = settings;
    this.ownership = new PartitionOwnership(membershipTimings(alerting.sessionTimeoutMs).leaseMs);
    this.follower = new AlertsFollower({
      kafka: kafka.kafka,
      topic: this.topic,
      groupId: `${settings.groupId}-alerts`,
      serde: this.serde,
      onAlert: (alert) => this.onAlertRead(alert),
      onUndecodable: (partition, offset, err) =>
        this.logger.warn({
          msg: `Undecodable record on ${this.topic}, ignored: ${err.message}`,
          partition,
          offset,
        }),
    });
    this.membership = new AlertingMembership({
      kafka: kafka.kafka,
      groupId: alerting.groupId,
      topic: settings.topics.storeInventory,
      sessionTimeoutMs: alerting.sessionTimeoutMs,
      ownership: this.ownership,
      onEpoch: (epoch) => void this.acquire(epoch),
      onRevoked: () => this.logger.debug('Alerting partitions revoked'),
    });
  }

  /**
   * Before the transport consumes: reads the alerts raised so far (by any
   * replica), which seeds the detector and the page, keeps following them,
   * and joins the alerting group in the background (a join can wait for a
   * rebalance; until then this replica owns nothing and keeps crossings pending).
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.follower.start();
    const alerts = (this.startupAlerts ?? []).sort((a, b) => a.timestamp - b.timestamp);
    this.startupAlerts = undefined;
    for (const alert of alerts) this.view.recordAlert(alert);
    this.logger.log(`Read ${alerts.length} published alerts from ${this.topic}; following it`);
    void this.joinAlertingGroup();
  }

  /**
   * Evaluates `store`, read from `partition` of store.inventory (a negative
   * partition, unknown, is treated as owned: better twice than never). Rejects
   * when publishing fails; the levels are then not remembered, so the retried
   * record raises them again.
   */
  async observe(store: StoreInventory, partition: number): Promise<void> {
    const decision = this.detector.evaluate(store, { replaying: !this.kafka.progress.isCaughtUp() });
    if (decision.alerts.length > 0) {
      if (partition < 0 || this.ownership.owns(partition, Date.now())) {
        await this.publish(decision.alerts);
        for (const alert of decision.alerts) this.metrics.alerts.inc({ level: alert.level });
      } else {
        for (const alert of decision.alerts) {
          this.pending.add(alert, partition);
          this.metrics.alertsNotOwner.inc({ level: alert.level });
        }
      }
    }
    this.detector.accept(decision);
  }

  /** Partitions whose alerts this replica raises now (metrics). */
  ownedPartitions(): number[] {
    return this.ownership.owned(Date.now());
  }

  /** Crossings kept for their partition's owner (metrics). */
  get pendingCrossings(): number {
    return this.pending.size;
  }

  /**
   * Gives up ownership, waits for the publish in flight, then leaves the
   * alerting group (the others take over at once) and stops following.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    this.ownership.revoke();
    await this.sending.catch(() => undefined);
    await Promise.allSettled([this.membership.stop(), this.follower.stop()]);
  }

  /** Joins the alerting group, retrying a failed connect or subscribe (a failed join is a CRASH, which health shows). */
  private async joinAlertingGroup(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.membership.start();
        return;
      } catch (err) {
        this.logger.warn(
          `Joining alerting group ${this.settings.alerting.groupId} failed, retrying: ${(err as Error).message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 5 * RETRY_MS));
      }
    }
  }

  private onAlertRead(alert: InventoryAlert): void {
    this.detector.remember(alert);
    this.pending.confirm(alert);
    if (this.startupAlerts) this.startupAlerts.push(alert);
    else this.view.recordAlert(alert);
  }

  /** A new epoch: read the alerts topic to its end, confirm, raise the gained partitions' pending crossings. */
  private async acquire(epoch: Epoch): Promise<void> {
    while (!this.stopping && this.ownership.isCurrent(epoch.epoch)) {
      try {
        await this.follower.catchUp();
        break;
      } catch (err) {
        this.logger.warn(
          `Reading ${this.topic} before taking partitions over failed: ${(err as Error).message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    if (this.stopping) return;
    const gained = this.ownership.confirm(epoch.epoch, Date.now());
    if (gained.length === 0) return;
    this.logger.log(
      `Raising the alerts of ${this.settings.topics.storeInventory} partitions [${gained.join(', ')}]`,
    );
    await this.handOver(new Set(gained));
  }

  /** Publishes the pending crossings of `partitions` (just gained); on failure keeps them and retries. */
  private async handOver(partitions: ReadonlySet<number>): Promise<void> {
    // Synchronously after `confirm`: a crossing is either pending here or, from now on, published live.
    const crossings = this.pending.take(partitions).filter((c) => !this.detector.isRaised(c.alert));
    if (crossings.length === 0) return;
    try {
      await this.publish(crossings.map((c) => c.alert));
      for (const c of crossings) {
        this.metrics.alerts.inc({ level: c.alert.level });
        this.metrics.alertsTakenOver.inc({ level: c.alert.level });
      }
      this.logger.log(`Raised ${crossings.length} crossings left pending by the previous owner`);
    } catch (err) {
      this.retryHandOver(crossings, err as Error);
    }
  }

  private retryHandOver(crossings: readonly PendingCrossing[], err: Error): void {
    this.pending.restore(crossings);
    this.logger.warn(`Publishing ${crossings.length} handed-over alerts failed, retrying: ${err.message}`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopping) void this.handOver(new Set(this.ownership.owned(Date.now())));
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  /** Queues one send of `alerts` (acks=all); resolves once Kafka acknowledged it. */
  private publish(alerts: readonly InventoryAlert[]): Promise<void> {
    const headers = injectTraceContext({});
    const send = async () => {
      const values = await Promise.all(alerts.map((alert) => this.serde.encode(this.topic, alert)));
      await this.kafka.producer.send({
        topic: this.topic,
        acks: ACKS_ALL,
        messages: alerts.map((alert, i) => ({
          key: `${alert.storeId}/${alert.sku}`,
          value: values[i] as Buffer,
          timestamp: String(alert.timestamp),
          headers: { ...headers },
        })),
      });
    };
    const sent = this.sending.catch(() => undefined).then(send);
    this.sending = sent;
    return sent;
  }
}
