/**
 * Decides which low-stock alerts a store's new stock raises, once per
 * crossing: an alert is raised when an item's level gets worse (none -> LOW,
 * none or LOW -> OUT_OF_STOCK), not on every update that stays at that level.
 * Recovering above the threshold re-arms it. Recovering from OUT_OF_STOCK to
 * LOW raises nothing: things got better.
 *
 * Two-phase, so an alert that fails to publish is not forgotten: `evaluate`
 * is pure, and `accept` records the levels once the alerts are published.
 *
 * Across restarts: the view replays the store topic at start-up, and the
 * crossings it replays were mostly alerted already, by this app before it
 * stopped or by another replica. The detector is seeded with the alerts topic
 * (`remember`), and while replaying it raises an alert only when the topic
 * holds no alert for that item at or after the snapshot's time with the same
 * level: a crossing missed while no dashboard ran is still raised, once.
 * (The store topic is compacted, so a replay may see only the latest
 * snapshot; "same level as the last alert" is then read as "still the same
 * episode", never as a second one.)
 */
import { AlertLevel, type InventoryAlert, type StoreInventory } from '@eda/events';

/** An item's alert level; NONE is above the threshold. */
type Level = 'NONE' | AlertLevel;

const SEVERITY: Record<Level, number> = { NONE: 0, LOW: 1, OUT_OF_STOCK: 2 };

/** The outcome of {@link LowStockDetector.evaluate}. */
export interface AlertDecision {
  /** Alerts to publish, one per item whose level got worse. */
  readonly alerts: InventoryAlert[];
  /** The levels to remember once they are published (pass to `accept`). */
  readonly levels: ReadonlyMap<string, Level>;
}

/** Level per `storeId/sku`, and the rule. */
export class LowStockDetector {
  private readonly levels = new Map<string, Level>();
  /** The latest alert published per `storeId/sku`, as read back from the alerts topic. */
  private readonly published = new Map<string, { level: AlertLevel; timestamp: number }>();

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
    for (const [sku, quantity] of Object.entries(store.items)) {
      const key = `${store.storeId}/${sku}`;
      const previous = this.levels.get(key) ?? 'NONE';
      const level = this.levelOf(quantity);
      if (level === previous) continue;
      levels.set(key, level);
      if (
        level !== 'NONE' &&
        SEVERITY[level] > SEVERITY[previous] &&
        !(options.replaying && this.alerted(key, level, store.updatedAt))
      ) {
        alerts.push({
          storeId: store.storeId,
          sku,
          quantity,
          threshold: this.threshold,
          level,
          timestamp: store.updatedAt,
        });
      }
    }
    return { alerts, levels };
  }

  /** Seeds the detector with an alert read back from the alerts topic (in topic order). */
  remember(alert: InventoryAlert): void {
    this.published.set(`${alert.storeId}/${alert.sku}`, { level: alert.level, timestamp: alert.timestamp });
  }

  /** True when the alerts topic already tells of this crossing (see the class comment). */
  private alerted(key: string, level: AlertLevel, time: number): boolean {
    const last = this.published.get(key);
    return last !== undefined && (time <= last.timestamp || last.level === level);
  }

  /** Remembers the levels of a decision whose alerts were published (or deliberately not). */
  accept(decision: AlertDecision): void {
    for (const [key, level] of decision.levels) this.levels.set(key, level);
  }
}
