/**
 * The expected aggregates, computed independently of the topology from the
 * transactions as consumed from the input topic: first occurrence per id
 * counts, stock is Σ RESTOCK − Σ SALE, sales are summed per store.
 */
import { TransactionType, type ItemTransaction } from '@eda/events';

/** What the aggregator should report. */
export interface InventoryExpectation {
  readonly items: Map<string, { quantity: number; updatedAt: number }>;
  readonly stores: Map<string, { items: Record<string, number>; updatedAt: number }>;
  readonly sales: Map<string, { unitsSold: number; revenue: number; transactions: number }>;
  /** Distinct transactions counted. */
  readonly counted: number;
}

/** Folds `transactions` (in any order) into the expected aggregates. */
export function expectInventory(transactions: readonly ItemTransaction[]): InventoryExpectation {
  const seen = new Set<string>();
  const items = new Map<string, { quantity: number; updatedAt: number }>();
  const stores = new Map<string, { items: Record<string, number>; updatedAt: number }>();
  const sales = new Map<string, { unitsSold: number; revenue: number; transactions: number }>();
  for (const tx of transactions) {
    if (seen.has(tx.id)) continue;
    seen.add(tx.id);
    const delta = tx.type === 'RESTOCK' ? tx.quantity : -tx.quantity;
    const item = items.get(tx.sku) ?? { quantity: 0, updatedAt: 0 };
    items.set(tx.sku, { quantity: item.quantity + delta, updatedAt: Math.max(item.updatedAt, tx.timestamp) });
    const store = stores.get(tx.storeId) ?? { items: {}, updatedAt: 0 };
    store.items[tx.sku] = (store.items[tx.sku] ?? 0) + delta;
    store.updatedAt = Math.max(store.updatedAt, tx.timestamp);
    stores.set(tx.storeId, store);
    if (tx.type === TransactionType.SALE) {
      const total = sales.get(tx.storeId) ?? { unitsSold: 0, revenue: 0, transactions: 0 };
      total.unitsSold += tx.quantity;
      total.revenue += tx.quantity * tx.unitPrice;
      total.transactions += 1;
      sales.set(tx.storeId, total);
    }
  }
  return { items, stores, sales, counted: seen.size };
}
