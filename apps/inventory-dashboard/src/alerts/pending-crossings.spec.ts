import type { InventoryAlert } from '@eda/events';
import { PendingCrossings } from './pending-crossings';

const alert = (storeId: string, level: 'LOW' | 'OUT_OF_STOCK', timestamp: number): InventoryAlert => ({
  storeId,
  sku: 'A',
  quantity: level === 'LOW' ? 3 : 0,
  threshold: 5,
  level,
  timestamp,
});

describe('PendingCrossings', () => {
  it("drops a crossing once the owner's alert for it (or a later one) is read back", () => {
    const pending = new PendingCrossings();
    pending.add(alert('s1', 'LOW', 10), 0);
    pending.add(alert('s1', 'OUT_OF_STOCK', 20), 0);
    pending.add(alert('s2', 'LOW', 15), 1);
    pending.confirm(alert('s1', 'LOW', 10));
    expect(pending.size).toBe(2);
    pending.confirm(alert('s1', 'LOW', 9)); // an older episode says nothing of these
    expect(pending.size).toBe(2);
    pending.confirm(alert('s2', 'OUT_OF_STOCK', 30)); // a later alert supersedes
    expect(pending.take(new Set([0, 1])).map((c) => `${c.alert.storeId}:${c.alert.level}`)).toEqual([
      's1:OUT_OF_STOCK',
    ]);
  });

  it("hands a gained partition's crossings over oldest first, keeps the others, and takes back failures", () => {
    const pending = new PendingCrossings();
    pending.add(alert('s1', 'OUT_OF_STOCK', 20), 0);
    pending.add(alert('s3', 'LOW', 5), 0);
    pending.add(alert('s2', 'LOW', 15), 1);
    const taken = pending.take(new Set([0]));
    expect(taken.map((c) => c.alert.timestamp)).toEqual([5, 20]);
    expect(pending.size).toBe(1);
    expect(pending.take(new Set([0]))).toEqual([]);
    pending.restore(taken);
    expect(pending.take(new Set([0])).map((c) => c.alert.timestamp)).toEqual([5, 20]);
  });

  it('keeps at most the configured number of crossings per item, newest', () => {
    const pending = new PendingCrossings(2);
    for (const t of [1, 2, 3]) pending.add(alert('s1', 'LOW', t), 0);
    expect(pending.take(new Set([0])).map((c) => c.alert.timestamp)).toEqual([2, 3]);
  });
});
