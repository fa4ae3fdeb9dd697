import { PartitionOwnership } from './partition-ownership';

describe('PartitionOwnership', () => {
  it('owns an assigned partition only once its epoch is confirmed (the alerts topic was read)', () => {
    const ownership = new PartitionOwnership(20_000);
    const epoch = ownership.assign([2, 0], 1000);
    expect(epoch.partitions).toEqual([0, 2]);
    expect(ownership.owns(0, 1001)).toBe(false);
    expect(ownership.confirm(epoch.epoch, 1002)).toEqual([0, 2]);
    expect(ownership.owns(0, 1003)).toBe(true);
    expect(ownership.owns(1, 1003)).toBe(false);
    expect(ownership.owned(1003)).toEqual([0, 2]);
  });

  it('gives everything up when a rebalance starts, and ignores the confirmation of a stale epoch', () => {
    const ownership = new PartitionOwnership(20_000);
    const first = ownership.assign([0, 1], 0);
    ownership.revoke();
    expect(ownership.confirm(first.epoch, 10)).toEqual([]);
    expect(ownership.owns(0, 10)).toBe(false);

    const second = ownership.assign([1], 20);
    const third = ownership.assign([0], 30); // a second rebalance before the first acquisition finished
    expect(ownership.confirm(second.epoch, 40)).toEqual([]);
    expect(ownership.owns(1, 40)).toBe(false);
    expect(ownership.confirm(third.epoch, 40)).toEqual([0]);
    expect(ownership.owns(0, 40)).toBe(true);
    ownership.revoke();
    expect(ownership.owned(41)).toEqual([]);
  });

  it('lapses without heartbeats (the group may have moved the partitions on), and re-acquires after one', () => {
    const ownership = new PartitionOwnership(1000);
    ownership.confirm(ownership.assign([3], 0).epoch, 0);
    expect(ownership.renew(500)).toBeUndefined(); // renewed in time: nothing to do
    expect(ownership.owns(3, 1499)).toBe(true);
    expect(ownership.owns(3, 1500)).toBe(false); // 1000 ms since the last heartbeat

    const again = ownership.renew(1600);
    expect(again?.partitions).toEqual([3]);
    expect(ownership.owns(3, 1601)).toBe(false); // not before the alerts topic was read again
    expect(ownership.confirm(again?.epoch ?? -1, 1602)).toEqual([3]);
    expect(ownership.owns(3, 1603)).toBe(true);
  });

  it('does not confirm an epoch whose lease already lapsed', () => {
    const ownership = new PartitionOwnership(1000);
    const epoch = ownership.assign([0], 0);
    expect(ownership.confirm(epoch.epoch, 5000)).toEqual([]);
    expect(ownership.owns(0, 5000)).toBe(false);
  });
});
