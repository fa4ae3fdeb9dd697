import { TransactionType } from '@eda/events';
import { REORDER_POINT, SCENARIO_EPOCH_MS, scenarioTransactions, StoreScenario } from './store-scenario';

const options = { seed: 2024, stores: 4, skus: 12 };

describe('StoreScenario', () => {
  it('is a pure function of the seed: same seed, same transactions, ids included', () => {
    expect(scenarioTransactions(options, 500)).toEqual(scenarioTransactions(options, 500));
    const other = scenarioTransactions({ ...options, seed: 2025 }, 500);
    expect(other.map((t) => t.id)).not.toEqual(scenarioTransactions(options, 500).map((t) => t.id));
  });

  it('does not depend on the count: a longer run starts with the shorter one', () => {
    expect(scenarioTransactions(options, 1000).slice(0, 300)).toEqual(scenarioTransactions(options, 300));
  });

  it('gives every transaction a unique id', () => {
    const ids = scenarioTransactions(options, 5000).map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('only uses its stores and catalog, with positive quantities and prices in cents', () => {
    const scenario = new StoreScenario(options);
    const skus = new Set(scenario.catalog.map((c) => c.sku));
    for (const tx of scenario.take(2000)) {
      expect(scenario.storeIds).toContain(tx.storeId);
      expect(skus.has(tx.sku)).toBe(true);
      expect(Number.isInteger(tx.quantity) && tx.quantity > 0).toBe(true);
      expect(Number.isInteger(tx.unitPrice) && tx.unitPrice > 0).toBe(true);
      expect(tx.currency).toBe('USD');
    }
    expect(scenario.storeIds).toEqual(['store-001', 'store-002', 'store-003', 'store-004']);
  });

  it('restocks an item in a store before selling it, and never sells more than is on hand', () => {
    const stock = new Map<string, number>();
    for (const tx of scenarioTransactions(options, 5000)) {
      const key = `${tx.storeId}/${tx.sku}`;
      const before = stock.get(key) ?? 0;
      if (before <= REORDER_POINT) expect(tx.type).toBe(TransactionType.RESTOCK);
      const after = before + (tx.type === TransactionType.RESTOCK ? tx.quantity : -tx.quantity);
      expect(after).toBeGreaterThanOrEqual(0);
      stock.set(key, after);
    }
  });

  it('mixes sales and restocks like a shop: mostly sales once stocked', () => {
    const txs = scenarioTransactions(options, 5000);
    const sales = txs.filter((t) => t.type === TransactionType.SALE).length / txs.length;
    expect(sales).toBeGreaterThan(0.6);
    expect(sales).toBeLessThan(0.95);
  });

  it('tracks stock as restocks minus sales', () => {
    const scenario = new StoreScenario(options);
    const txs = scenario.take(800);
    const expected = txs
      .filter((t) => t.storeId === 'store-002' && t.sku === 'SKU-00003')
      .reduce((sum, t) => sum + (t.type === TransactionType.RESTOCK ? t.quantity : -t.quantity), 0);
    expect(scenario.stockOf('store-002', 'SKU-00003')).toBe(expected);
  });

  it('shifts only the event times when it starts from another time', () => {
    const startTime = Date.UTC(2026, 11, 7, 5, 0);
    const shifted = scenarioTransactions({ ...options, startTime }, 200);
    const plain = scenarioTransactions(options, 200);
    expect(shifted.map((t) => t.timestamp - startTime)).toEqual(
      plain.map((t) => t.timestamp - SCENARIO_EPOCH_MS),
    );
    expect(shifted.map((t) => ({ ...t, timestamp: 0 }))).toEqual(plain.map((t) => ({ ...t, timestamp: 0 })));
    expect(() => scenarioTransactions({ ...options, startTime: -1 }, 1)).toThrow(RangeError);
  });

  it('moves event time forward from the scenario epoch', () => {
    const txs = scenarioTransactions(options, 1000);
    expect(txs[0]!.timestamp).toBeGreaterThan(SCENARIO_EPOCH_MS);
    for (let i = 1; i < txs.length; i++) expect(txs[i]!.timestamp).toBeGreaterThan(txs[i - 1]!.timestamp);
  });
});
