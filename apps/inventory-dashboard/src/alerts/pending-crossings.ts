/**
 * Crossings a replica saw on partitions it did not own at the time: the
 * owner raises them. Each is kept until the alerts topic tells of it (the
 * owner's alert, read back by the {@link AlertsFollower}), so that if the
 * owner never does (it crashed, was scaled down, or the partition was between
 * owners in a rebalance), the replica that gains the partition raises it from
 * here. This is what makes a handover lose nothing.
 */
import type { InventoryAlert } from '@eda/events';
import { tellsOf } from './low-stock-detector';

/** A crossing waiting for its owner's alert, with the store.inventory partition it was read from. */
export interface PendingCrossing {
  readonly alert: InventoryAlert;
  readonly partition: number;
}

/** Per `storeId/sku`, in the order seen; bounded per item. */
export class PendingCrossings {
  private readonly byKey = new Map<string, PendingCrossing[]>();

  /**
   * @param maxPerItem crossings kept per item; older ones are dropped first
   *   (only reached when no replica owns the partition for many episodes).
   */
  constructor(private readonly maxPerItem = 16) {}

  /** Crossings held. */
  get size(): number {
    let n = 0;
    for (const list of this.byKey.values()) n += list.length;
    return n;
  }

  /** Keeps `alert` until the owner's alert tells of it, or this replica gains `partition`. */
  add(alert: InventoryAlert, partition: number): void {
    const key = keyOf(alert);
    const list = this.byKey.get(key) ?? [];
    list.push({ alert, partition });
    if (list.length > this.maxPerItem) list.splice(0, list.length - this.maxPerItem);
    this.byKey.set(key, list);
  }

  /** An alert read from the topic: drops the crossings it tells of (it, and any earlier one). */
  confirm(published: InventoryAlert): void {
    const key = keyOf(published);
    const list = this.byKey.get(key);
    if (list === undefined) return;
    const left = list.filter((c) => !tellsOf(published, c.alert));
    if (left.length === 0) this.byKey.delete(key);
    else this.byKey.set(key, left);
  }

  /** Removes and returns the crossings of `partitions`, oldest first: the new owner raises them. */
  take(partitions: ReadonlySet<number>): PendingCrossing[] {
    const taken: PendingCrossing[] = [];
    for (const [key, list] of this.byKey) {
      const keep = list.filter((c) => !partitions.has(c.partition));
      if (keep.length === list.length) continue;
      taken.push(...list.filter((c) => partitions.has(c.partition)));
      if (keep.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, keep);
    }
    return taken.sort((a, b) => a.alert.timestamp - b.alert.timestamp);
  }

  /** Puts back crossings whose publication failed, to be retried. */
  restore(crossings: readonly PendingCrossing[]): void {
    for (const c of crossings) this.add(c.alert, c.partition);
  }
}

function keyOf(alert: InventoryAlert): string {
  return `${alert.storeId}/${alert.sku}`;
}
