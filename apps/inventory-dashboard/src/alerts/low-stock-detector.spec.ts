import { LowStockDetector } from './low-stock-detector';

describe('LowStockDetector', () => {
  const store = (quantity: number, updatedAt = 1) => ({ storeId: 's1', items: { A: quantity }, updatedAt });

  function run(detector: LowStockDetector, quantities: number[]): string[] {
    return quantities.flatMap((q, i) => {
      const decision = detector.evaluate(store(q, i));
      detector.accept(decision);
      return decision.alerts.map((a) => `${a.level}@${a.quantity}`);
    });
  }

  it('raises LOW once on crossing the threshold, then OUT_OF_STOCK once', () => {
    expect(run(new LowStockDetector(5), [10, 8, 5, 4, 3, 1, 0, -2, 0])).toEqual(['LOW@5', 'OUT_OF_STOCK@0']);
  });

  it('re-arms after recovering above the threshold, and stays quiet when improving', () => {
    expect(run(new LowStockDetector(5), [3, 0, 2, 9, 4])).toEqual(['LOW@3', 'OUT_OF_STOCK@0', 'LOW@4']);
  });

  it('goes straight to OUT_OF_STOCK from above the threshold', () => {
    expect(run(new LowStockDetector(5), [20, -1])).toEqual(['OUT_OF_STOCK@-1']);
  });

  it('forgets nothing when a decision was not accepted (publishing failed)', () => {
    const detector = new LowStockDetector(5);
    expect(detector.evaluate(store(2)).alerts).toHaveLength(1);
    const retried = detector.evaluate(store(2));
    expect(retried.alerts.map((a) => a.level)).toEqual(['LOW']);
    detector.accept(retried);
    expect(detector.evaluate(store(2)).alerts).toEqual([]);
  });

  it('builds the InventoryAlert record with key fields and the event time', () => {
    const [alert] = new LowStockDetector(5).evaluate({
      storeId: 's9',
      items: { B: 1 },
      updatedAt: 42,
    }).alerts;
    expect(alert).toEqual({
      storeId: 's9',
      sku: 'B',
      quantity: 1,
      threshold: 5,
      level: 'LOW',
      timestamp: 42,
    });
  });

  describe('while replaying at start-up, seeded with the alerts topic', () => {
    const alert = (level: 'LOW' | 'OUT_OF_STOCK', timestamp: number) => ({
      storeId: 's1',
      sku: 'A',
      quantity: 0,
      threshold: 5,
      level,
      timestamp,
    });
    const replay = (detector: LowStockDetector, snapshots: Array<[quantity: number, time: number]>) =>
      snapshots.flatMap(([q, t]) => {
        const decision = detector.evaluate(store(q, t), { replaying: true });
        detector.accept(decision);
        return decision.alerts.map((a) => `${a.level}@${a.timestamp}`);
      });

    it('raises nothing the topic already holds, whether or not compaction kept the intermediate snapshots', () => {
      const full = new LowStockDetector(5);
      [alert('LOW', 1), alert('OUT_OF_STOCK', 2), alert('LOW', 4)].forEach((a) => full.remember(a));
      expect(
        replay(full, [
          [3, 1],
          [0, 2],
          [9, 3],
          [4, 4],
        ]),
      ).toEqual([]);
      const compacted = new LowStockDetector(5);
      compacted.remember(alert('LOW', 1));
      expect(replay(compacted, [[2, 7]])).toEqual([]);
    });

    it('raises a crossing missed while no dashboard ran, once', () => {
      const detector = new LowStockDetector(5);
      detector.remember(alert('LOW', 1));
      expect(replay(detector, [[0, 5]])).toEqual(['OUT_OF_STOCK@5']);
      expect(replay(new LowStockDetector(5), [[3, 5]])).toEqual(['LOW@5']);
    });
  });
});
