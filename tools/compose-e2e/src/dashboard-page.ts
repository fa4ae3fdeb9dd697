/**
 * What the dashboard page shows, read from its DOM the way a person reads it:
 * one card per store (`[data-store-id]`), one row per sku (`tr[data-sku]`)
 * with the units in its cell.
 */
import type { Page } from 'playwright-core';
import type { InventoryExpectation } from './inventory-probes';

/** Store -> sku -> units, with stores and skus sorted. */
export type StockView = Record<string, Record<string, number>>;

/** The stock per store that the page shows now. */
export function dashboardStock(page: Page): Promise<StockView> {
  return page.$$eval('[data-store-id]', (cards) => {
    const view: Record<string, Record<string, number>> = {};
    const ids = cards.map((c) => c.getAttribute('data-store-id') ?? '').sort();
    for (const id of ids) {
      const card = cards.find((c) => c.getAttribute('data-store-id') === id);
      const rows = [...(card?.querySelectorAll('tr[data-sku]') ?? [])];
      const items: Record<string, number> = {};
      for (const sku of rows.map((r) => r.getAttribute('data-sku') ?? '').sort()) {
        const row = rows.find((r) => r.getAttribute('data-sku') === sku);
        items[sku] = Number(row?.querySelector('td')?.textContent ?? NaN);
      }
      view[id] = items;
    }
    return view;
  });
}

/** The stock per store the page must show for `expected`, in the same shape. */
export function stockOf(expected: InventoryExpectation): StockView {
  const view: StockView = {};
  for (const id of [...expected.stores.keys()].sort()) {
    const items = expected.stores.get(id)?.items ?? {};
    view[id] = Object.fromEntries(Object.entries(items).sort(([a], [b]) => a.localeCompare(b)));
  }
  return view;
}
