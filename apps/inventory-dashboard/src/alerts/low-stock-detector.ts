/**
 * The crossing rule, as the aggregate function of the alerting topology
 * (alerts-topology.ts): folds a store's new stock snapshot into the last level
 * of each of its skus, and says which alerts the snapshot raises. Once per
 * crossing: an alert is raised when an item's level gets worse (none -> LOW,
 * none or LOW -> OUT_OF_STOCK), never while it stays at that level.
 * Recovering above the threshold re-arms it; OUT_OF_STOCK back to LOW raises
 * nothing (it got better). An item missing from a snapshot keeps its level
 * (the aggregator never drops an item it has seen).
 *
 * Pure: the engine keeps the aggregate in a change-logged store and commits
 * it together with the alerts and the input offsets (exactly-once), so the
 * rule needs no memory of what was published.
 */
import { AlertLevel, type InventoryAlert, type StoreInventory } from '@eda/events';

/** An item's alert level; NONE is above the threshold. */
export type Level = 'NONE' | AlertLevel;

const SEVERITY: Record<Level, number> = { NONE: 0, LOW: 1, OUT_OF_STOCK: 2 };

/** The aggregate per store: its items' last levels, and the alerts its latest snapshot raised. */
export interface StoreAlertLevels {
  /** Last level per sku at or below the threshold; a sku above it is absent. */
  readonly levels: Readonly<Record<string, AlertLevel>>;
  /** Raised by the latest snapshot (forwarded to `inventory.alerts`, replaced by the next fold). */
  readonly raised: readonly InventoryAlert[];
}

/** A store not seen yet: every item above the threshold. */
export const NO_LEVELS: StoreAlertLevels = { levels: {}, raised: [] };

/** OUT_OF_STOCK at or below 0, LOW at or below `threshold`, else NONE (the InventoryAlert schema's rule). */
export function levelOf(quantity: number, threshold: number): Level {
  if (quantity <= 0) return AlertLevel.OUT_OF_STOCK;
  return quantity <= threshold ? AlertLevel.LOW : 'NONE';
}

/** Folds `store` into `previous`: the new levels, and one alert per item whose level got worse. */
export function foldSnapshot(
  previous: StoreAlertLevels,
  store: StoreInventory,
  threshold: number,
): StoreAlertLevels {
  const levels: Record<string, AlertLevel> = { ...previous.levels };
  const raised: InventoryAlert[] = [];
  for (const [sku, quantity] of Object.entries(store.items)) {
    const before: Level = levels[sku] ?? 'NONE';
    const level = levelOf(quantity, threshold);
    if (level === 'NONE') delete levels[sku];
    else levels[sku] = level;
    if (SEVERITY[level] > SEVERITY[before] && level !== 'NONE') {
      raised.push({ storeId: store.storeId, sku, quantity, threshold, level, timestamp: store.updatedAt });
    }
  }
  return { levels, raised };
}
