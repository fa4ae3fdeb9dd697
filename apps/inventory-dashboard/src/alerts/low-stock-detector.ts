/**
 * Decides which low-stock alerts a store's new stock raises, once per
 * crossing: an alert is raised when an item's level gets worse (none -> LOW,
 * none or LOW -> OUT_OF_STOCK), not on every update that stays at that level.
 * Recovering above the threshold re-arms it. Recovering from OUT_OF_STOCK to
 * LOW raises nothing: things got better.
 *
 * Two-phase, so an alert that fails to publish is not forgotten: `evaluate`
 * is pure, and `accept` records the levels once the alerts are published (or
 * handed to the partition's owner, see {@link AlertPublisher}).
 *
 * Every replica observes every store, but only the owner of a store's
 * partition publishes, and owners change. So the detector also knows what the
 * alerts topic already holds (`remember`, fed continuously by the
 * {@link AlertsFollower}), and a crossing the topic already tells of is not
 * raised again: an alert for the same item at a later time, or at the same
 * time with at least the same severity ({@link tellsOf}). That makes a new
 * owner that is behind the previous one, or a redelivered record, silent.
 *
 * While replaying at start-up the store topic is compacted, so a replay may
 * see only an item's latest snapshot and none of the recoveries before it. A
 * last alert at least as severe as the replayed level is then read as "still
 * the same episode", never as a second one, unless the replay showed the item
 * above the threshold after that alert (then it did recover: a new episode).
 * A crossing missed while no dashboard ran is still raised, once. (A replica
 * scaled up mid-stream replays too, and may own partitions while it does: a
 * crossing in the rebalance window, which another replica kept pending, must
 * not be read as the old episode.)
 */
import { AlertLevel, type InventoryAlert, type StoreInventory } from '@eda/events';

/** An item's alert level; NONE is above the threshold. */
export type Level = 'NONE' | AlertLevel;

const SEVERITY: Record<Level, number> = { NONE: 0, LOW: 1, OUT_OF_STOCK: 2 };

/** What the alerts topic holds for an item: its latest alert's level and time. */
export interface PublishedAlert {
  readonly level: AlertLevel;
  readonly timestamp: number;
}

/**
 * True when `published` (an alert on the topic) tells of `crossing` or of a
 * later one: raising `crossing` now would repeat it, or be stale.
 */
export function tellsOf(published: PublishedAlert, crossing: PublishedAlert): boolean {
  return (
    published.timestamp > crossing.timestamp ||
    (published.timestamp === crossing.timestamp && SEVERITY[published.level] >= SEVERITY[crossing.level])
  );
}

/** The outcome of {@link LowStockDetector.evaluate}. */
export interface AlertDecision {
  /** Alerts due, one per item whose level got worse, that the alerts topic does not hold yet. */
  readonly alerts: InventoryAlert[];
  /** The levels to remember once the alerts are published or handed over (pass to `accept`). */
  readonly levels: ReadonlyMap<string, Level>;
  /** Items the snapshot shows above the threshold, and its time. */
  readonly above: readonly string[];
  readonly time: number;
}

/** Level per `storeId/sku`, what the alerts topic holds, and the rule. */
export class LowStockDetector {
  private readonly levels = new Map<string, Level>();
  /** The latest alert per `storeId/sku` on the alerts topic (by time, then severity). */
  private readonly published = new Map<string, PublishedAlert>();
  /** The latest time each `storeId/sku` was seen above the threshold. */
  private readonly aboveAt = new Map<string, number>();

  constructor(private readonly threshold: number) {}

  /** The level of `quantity`: OUT_OF_STOCK at or below 0, LOW at or below the threshold. */
  levelOf(quantity: number): Level {
    if (quantity <= 0) return AlertLevel.OUT_OF_STOCK;
    return quantity <= this.threshold ? AlertLevel.LOW : 'NONE';
  }

  /**
   * The alerts `store`'s stock raises compared with what was accepted before.
   * An item missing from the snapshot keeps its level (the aggregator never
   * drops an item it has seen).
   */
  evaluate(store: StoreInventory, options: { replaying?: boolean } = {}): AlertDecision {
    const alerts: InventoryAlert[] = [];
    const levels = new Map<string, Level>();
    const above: string[] = [];
    for (const [sku, quantity] of Object.entries(store.items)) {
      const key = `${store.storeId}/${sku}`;
      const previous = this.levels.get(key) ?? 'NONE';
      const level = this.levelOf(quantity);
      if (level === 'NONE') above.push(key);
      if (level === previous) continue;
      levels.set(key, level);
      if (level === 'NONE' || SEVERITY[level] <= SEVERITY[previous]) continue;
      if (this.alerted(key, { level, timestamp: store.updatedAt }, options.replaying === true)) continue;
      alerts.push({
        storeId: store.storeId,
        sku,
        quantity,
        threshold: this.threshold,
        level,
        timestamp: store.updatedAt,
      });
    }
    return { alerts, levels, above, time: store.updatedAt };
  }

  /** Learns an alert read from the alerts topic (raised by any replica). */
  remember(alert: InventoryAlert): void {
    const key = `${alert.storeId}/${alert.sku}`;
    const held = this.published.get(key);
    if (held === undefined || !tellsOf(held, alert)) {
      this.published.set(key, { level: alert.level, timestamp: alert.timestamp });
    }
  }

  /** True when the alerts topic already tells of `alert`'s crossing (or of a later one). */
  isRaised(alert: InventoryAlert): boolean {
    return this.alerted(`${alert.storeId}/${alert.sku}`, alert, false);
  }

  /** Remembers the levels of a decision whose alerts were published, handed over, or not due. */
  accept(decision: AlertDecision): void {
    for (const [key, level] of decision.levels) this.levels.set(key, level);
    for (const key of decision.above) this.aboveAt.set(key, decision.time);
  }

  private alerted(key: string, crossing: PublishedAlert, replaying: boolean): boolean {
    const last = this.published.get(key);
    if (last === undefined) return false;
    if (tellsOf(last, crossing)) return true;
    const recovered = (this.aboveAt.get(key) ?? Number.NEGATIVE_INFINITY) > last.timestamp;
    return replaying && !recovered && SEVERITY[last.level] >= SEVERITY[crossing.level];
  }
}
