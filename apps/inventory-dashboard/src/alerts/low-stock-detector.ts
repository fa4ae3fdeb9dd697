/**
 * The crossing rule, the alerting topology's aggregate function: folds a
 * store's snapshot into its skus' last levels. Once per crossing: an alert
 * when a level gets worse (none -> LOW, none or LOW -> OUT_OF_STOCK), none
 * while it stays; recovering above the threshold re-arms it; OUT_OF_STOCK ->
 * LOW raises nothing. A sku missing from a snapshot keeps its level. Pure: the
 * engine stores and commits the levels with the alerts (exactly-once).
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
