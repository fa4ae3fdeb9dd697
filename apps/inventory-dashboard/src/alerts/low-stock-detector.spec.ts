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

  describe('knowing what other replicas raised (the alerts topic, followed live)', () => {
    const published = (level: 'LOW' | 'OUT_OF_STOCK', timestamp: number) => ({
      storeId: 's1',
      sku: 'A',
      quantity: 0,
      threshold: 5,
      level,
      timestamp,
    });

    it('does not raise a crossing another replica already raised, nor an older one', () => {
      const detector = new LowStockDetector(5);
      detector.remember(published('LOW', 3));
      expect(run(detector, [9, 4])).toEqual([]); // the crossing at time 1 is older than the alert at 3
      const behind = new LowStockDetector(5);
      behind.remember(published('LOW', 1));
      expect(run(behind, [9, 4])).toEqual([]); // the very crossing (same time, same level)
    });

    it('raises a worse level at the same time, and a new episode after a recovery', () => {
      const detector = new LowStockDetector(5);
      detector.remember(published('LOW', 1));
      // LOW@1 (known), OUT_OF_STOCK@2, recovered @3, LOW again @4.
      expect(run(detector, [9, 4, 0, 8, 2])).toEqual(['OUT_OF_STOCK@0', 'LOW@2']);
      const sameTime = new LowStockDetector(5);
      sameTime.remember(published('LOW', 1));
      const decision = sameTime.evaluate({ storeId: 's1', items: { A: 0 }, updatedAt: 1 });
      expect(decision.alerts.map((a) => a.level)).toEqual(['OUT_OF_STOCK']);
    });

    it('keeps the latest alert per item whatever order they are read in', () => {
      const detector = new LowStockDetector(5);
      detector.remember(published('OUT_OF_STOCK', 7));
      detector.remember(published('LOW', 5)); // a hand-over published late
      expect(detector.isRaised(published('LOW', 6))).toBe(true);
      expect(detector.isRaised(published('LOW', 8))).toBe(false);
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

    it('reads a level no worse than the last alert as the same episode (compaction may hide the recovery)', () => {
      const detector = new LowStockDetector(5);
      detector.remember(alert('OUT_OF_STOCK', 2));
      expect(replay(detector, [[3, 6]])).toEqual([]);
    });

    it('raises a new episode at the same level when the replay shows the recovery after the last alert', () => {
      const detector = new LowStockDetector(5);
      detector.remember(alert('LOW', 1));
      expect(
        replay(detector, [
          [3, 1],
          [9, 3],
          [4, 4],
        ]),
      ).toEqual(['LOW@4']);
      // Above the threshold only before the alert: still that episode.
      const before = new LowStockDetector(5);
      before.remember(alert('LOW', 5));
      expect(
        replay(before, [
          [9, 1],
          [3, 7],
        ]),
      ).toEqual([]);
    });

    it('raises a crossing missed while no dashboard ran, once', () => {
      const detector = new LowStockDetector(5);
      detector.remember(alert('LOW', 1));
      expect(replay(detector, [[0, 5]])).toEqual(['OUT_OF_STOCK@5']);
      expect(replay(new LowStockDetector(5), [[3, 5]])).toEqual(['LOW@5']);
    });
  });
});
