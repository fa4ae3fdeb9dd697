/**
 * The dashboard's in-memory view of the compacted topics: stock per store
 * (`store.inventory`), stock per item (`item.inventory`), the latest sales
 * windows per store (`store.sales.1m`) and the alerts raised.
 *
 * Every update is an upsert by key (a window's key is store and window start),
 * so applying a record twice, or replaying the topics from the beginning after
 * a restart, yields the same view: the consumer is at-least-once and the view
 * is idempotent. A null value (a tombstone) deletes the key.
 */
import { Injectable } from '@nestjs/common';
import type { InventoryAlert, ItemInventory, StoreInventory, StoreSalesWindow } from '@eda/events';

/** A change the page hears about (server-sent events). */
export type ViewChange =
  | { readonly kind: 'store'; readonly storeId: string; readonly store: StoreInventory | null }
  | { readonly kind: 'item'; readonly sku: string; readonly item: ItemInventory | null }
  | { readonly kind: 'sales'; readonly window: StoreSalesWindow }
  | { readonly kind: 'alert'; readonly alert: InventoryAlert };

/** The whole view as JSON-ready data, for the first paint and `GET /api/view`. */
export interface ViewSnapshot {
  readonly stores: StoreInventory[];
  readonly items: ItemInventory[];
  readonly sales: StoreSalesWindow[];
  readonly alerts: InventoryAlert[];
  /** Stock at or below which the page marks an item low. */
  readonly lowStockThreshold: number;
}

/** Sizes of the bounded parts of the view. */
export interface ViewLimits {
  readonly recentWindows: number;
  readonly recentAlerts: number;
  readonly lowStockThreshold: number;
}

/** Holds the view and tells listeners about each change. */
@Injectable()
export class InventoryView {
  private readonly stores = new Map<string, StoreInventory>();
  private readonly items = new Map<string, ItemInventory>();
  /** storeId -> windowStart -> window, newest kept. */
  private readonly sales = new Map<string, Map<number, StoreSalesWindow>>();
  private readonly alerts: InventoryAlert[] = [];
  private readonly listeners = new Set<(change: ViewChange) => void>();
  private limits: ViewLimits = { recentWindows: 10, recentAlerts: 50, lowStockThreshold: 5 };

  /** Sets how many windows per store and alerts are kept, and the threshold the page shows. */
  configure(limits: ViewLimits): void {
    this.limits = limits;
  }

  /**
   * Replaces a store's stock (the record is a full snapshot), or removes the
   * store. A snapshot older than the one held is dropped: a record coming back
   * from a retry topic may arrive after a newer one. Returns whether it applied.
   */
  applyStoreInventory(storeId: string, store: StoreInventory | null): boolean {
    const held = this.stores.get(storeId);
    if (store !== null && held !== undefined && store.updatedAt < held.updatedAt) return false;
    if (store === null) this.stores.delete(storeId);
    else
      this.stores.set(storeId, {
        storeId: store.storeId,
        items: { ...store.items },
        updatedAt: store.updatedAt,
      });
    this.emit({ kind: 'store', storeId, store });
    return true;
  }

  /** Replaces an item's total stock, or removes the item; drops a stale snapshot as above. */
  applyItemInventory(sku: string, item: ItemInventory | null): boolean {
    const held = this.items.get(sku);
    if (item !== null && held !== undefined && item.updatedAt < held.updatedAt) return false;
    if (item === null) this.items.delete(sku);
    else this.items.set(sku, { ...item });
    this.emit({ kind: 'item', sku, item });
    return true;
  }

  /** Upserts a sales window; keeps the newest `recentWindows` per store. */
  applySalesWindow(window: StoreSalesWindow): void {
    let windows = this.sales.get(window.storeId);
    if (windows === undefined) {
      windows = new Map();
      this.sales.set(window.storeId, windows);
    }
    windows.set(window.windowStart, { ...window });
    if (windows.size > this.limits.recentWindows) {
      const starts = [...windows.keys()].sort((a, b) => a - b);
      for (const start of starts.slice(0, windows.size - this.limits.recentWindows)) windows.delete(start);
    }
    this.emit({ kind: 'sales', window });
  }

  /** Records an alert raised, in time order (partitions are read in parallel); keeps the newest `recentAlerts`. */
  recordAlert(alert: InventoryAlert): void {
    let at = this.alerts.length;
    while (at > 0 && (this.alerts[at - 1] as InventoryAlert).timestamp > alert.timestamp) at -= 1;
    this.alerts.splice(at, 0, alert);
    if (this.alerts.length > this.limits.recentAlerts)
      this.alerts.splice(0, this.alerts.length - this.limits.recentAlerts);
    this.emit({ kind: 'alert', alert });
  }

  /** Number of stores held. */
  get storeCount(): number {
    return this.stores.size;
  }

  /** One store's stock, or undefined. */
  store(storeId: string): StoreInventory | undefined {
    return this.stores.get(storeId);
  }

  /** One item's total stock, or undefined. */
  item(sku: string): ItemInventory | undefined {
    return this.items.get(sku);
  }

  /** The whole view, sorted for display: stores and items by id, windows and alerts newest first. */
  snapshot(): ViewSnapshot {
    const byKey =
      <T>(key: (v: T) => string) =>
      (a: T, b: T) =>
        key(a).localeCompare(key(b));
    return {
      stores: [...this.stores.values()].sort(byKey((s) => s.storeId)),
      items: [...this.items.values()].sort(byKey((i) => i.sku)),
      sales: [...this.sales.values()]
        .flatMap((windows) => [...windows.values()])
        .sort((a, b) => b.windowStart - a.windowStart || a.storeId.localeCompare(b.storeId)),
      alerts: [...this.alerts].reverse(),
      lowStockThreshold: this.limits.lowStockThreshold,
    };
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: (change: ViewChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: ViewChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
