/**
 * The folds behind the aggregates, pure so they are tested without a
 * topology. Stock is Σ RESTOCK − Σ SALE, signed: a negative stock is
 * reported, never clamped. `updatedAt` is the latest event time counted.
 */
import type { ItemTransaction } from '@eda/events';

/** Stock of one sku across stores (store `item-stock`). */
export interface ItemStock {
  readonly quantity: number;
  readonly updatedAt: number;
}

/** Stock of every sku in one store (store `store-stock`). */
export interface StoreStock {
  readonly items: Record<string, number>;
  readonly updatedAt: number;
}

/** Sales of one store in one window (store `store-sales`). Revenue in minor units. */
export interface SalesTotals {
  readonly unitsSold: number;
  readonly revenue: number;
  readonly transactions: number;
}

/** +quantity for a RESTOCK, −quantity for a SALE. */
export function stockDelta(tx: ItemTransaction): number {
  return tx.type === 'RESTOCK' ? tx.quantity : -tx.quantity;
}

/** Stock before the first transaction. */
export const NO_ITEM_STOCK: ItemStock = { quantity: 0, updatedAt: 0 };
/** A store before its first transaction. */
export const NO_STORE_STOCK: StoreStock = { items: {}, updatedAt: 0 };
/** A window before its first sale. */
export const NO_SALES: SalesTotals = { unitsSold: 0, revenue: 0, transactions: 0 };

/** Folds a transaction into an item's stock. */
export function addToItemStock(stock: ItemStock, tx: ItemTransaction): ItemStock {
  return {
    quantity: stock.quantity + stockDelta(tx),
    updatedAt: Math.max(stock.updatedAt, tx.timestamp),
  };
}

/**
 * Folds a transaction into a store's stock map. Returns a new object rather
 * than mutating: the store's cache may still hold the previous one.
 */
export function addToStoreStock(stock: StoreStock, tx: ItemTransaction): StoreStock {
  const items = { ...stock.items };
  items[tx.sku] = (items[tx.sku] ?? 0) + stockDelta(tx);
  return { items, updatedAt: Math.max(stock.updatedAt, tx.timestamp) };
}

/** Folds a SALE into its window's totals. */
export function addToSales(totals: SalesTotals, tx: ItemTransaction): SalesTotals {
  return {
    unitsSold: totals.unitsSold + tx.quantity,
    revenue: totals.revenue + tx.quantity * tx.unitPrice,
    transactions: totals.transactions + 1,
  };
}
