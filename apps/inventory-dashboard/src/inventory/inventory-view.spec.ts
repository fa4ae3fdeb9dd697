import type { StoreInventory } from '@eda/events';
import { InventoryView, type ViewChange } from './inventory-view';

describe('InventoryView', () => {
  it('upserts snapshots, so replaying the same records gives the same view', () => {
    const once = new InventoryView();
    const twice = new InventoryView();
    const records: StoreInventory[] = [
      { storeId: 's1', items: { A: 3 }, updatedAt: 1 },
      { storeId: 's2', items: { A: 1, B: 2 }, updatedAt: 2 },
      { storeId: 's1', items: { A: 2, C: 9 }, updatedAt: 3 },
    ];
    for (const r of records) once.applyStoreInventory(r.storeId, r);
    for (const r of [...records, ...records]) twice.applyStoreInventory(r.storeId, r);
    expect(twice.snapshot()).toEqual(once.snapshot());
    expect(once.store('s1')?.items).toEqual({ A: 2, C: 9 });
  });

  it('drops a snapshot older than the one held (a retried record arriving late) and deletes on tombstones', () => {
    const view = new InventoryView();
    view.applyItemInventory('A', { sku: 'A', quantity: 5, updatedAt: 10 });
    expect(view.applyItemInventory('A', { sku: 'A', quantity: 7, updatedAt: 9 })).toBe(false);
    expect(view.item('A')?.quantity).toBe(5);
    view.applyItemInventory('A', null);
    expect(view.item('A')).toBeUndefined();
  });

  it('keeps the newest windows per store and alerts, and tells listeners', () => {
    const view = new InventoryView();
    view.configure({ recentWindows: 2, recentAlerts: 1, lowStockThreshold: 5 });
    const changes: string[] = [];
    view.subscribe((c: ViewChange) => changes.push(c.kind));
    for (const start of [0, 60_000, 120_000, 60_000]) {
      view.applySalesWindow({
        storeId: 's1',
        windowStart: start,
        windowEnd: start + 60_000,
        unitsSold: 1,
        revenue: 100,
        transactions: 1,
      });
    }
    expect(view.snapshot().sales.map((w) => w.windowStart)).toEqual([120_000, 60_000]);
    view.recordAlert({ storeId: 's1', sku: 'A', quantity: 1, threshold: 5, level: 'LOW', timestamp: 1 });
    view.recordAlert({
      storeId: 's1',
      sku: 'A',
      quantity: 0,
      threshold: 5,
      level: 'OUT_OF_STOCK',
      timestamp: 2,
    });
    expect(view.snapshot().alerts.map((a) => a.level)).toEqual(['OUT_OF_STOCK']);
    expect(changes).toEqual(['sales', 'sales', 'sales', 'sales', 'alert', 'alert']);
  });
});
