import { RepartitionPurger } from './repartition-purger';

function fakeAdmin() {
  const calls: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> = [];
  let fail = false;
  let release: (() => void) | undefined;
  const admin = {
    fetchTopicOffsets: async () => [],
    deleteTopicRecords: async (request: (typeof calls)[number]) => {
      calls.push(request);
      if (release === undefined) {
        await new Promise<void>((r) => (release = r));
        release = undefined;
      }
      if (fail) throw new Error('broker says no');
    },
  };
  return {
    admin,
    calls,
    failNext: (f: boolean) => (fail = f),
    /** Lets the pending DeleteRecords call finish. */
    finish: async (purger: RepartitionPurger) => {
      while (release === undefined) await new Promise((r) => setImmediate(r));
      release();
      await purger.idle();
    },
  };
}

describe('RepartitionPurger', () => {
  const at = (offset: number, partition = 0) => ({ topic: 'app-x-repartition', partition, offset });

  it('purges up to the committed offsets at most once per interval, one purge at a time', async () => {
    let now = 0;
    const { admin, calls, finish } = fakeAdmin();
    const purger = new RepartitionPurger(admin, 1000, () => now);

    purger.maybePurge([at(10), at(5, 1)]);
    purger.maybePurge([at(20)]); // in flight: skipped
    await finish(purger);
    expect(calls).toEqual([
      {
        topic: 'app-x-repartition',
        partitions: [
          { partition: 0, offset: '10' },
          { partition: 1, offset: '5' },
        ],
      },
    ]);

    now = 999;
    purger.maybePurge([at(30), at(5, 1)]); // within the interval: skipped
    expect(calls).toHaveLength(1);

    now = 1000;
    purger.maybePurge([at(30), at(5, 1)]); // only the partition that advanced
    await finish(purger);
    expect(calls[1]?.partitions).toEqual([{ partition: 0, offset: '30' }]);
    expect(purger.requestCount).toBe(2);

    now = 5000;
    purger.maybePurge([at(30), at(5, 1)]); // nothing new: no request
    expect(calls).toHaveLength(2);
  });

  it('keeps going after a failed purge and asks again for the same offsets', async () => {
    let now = 0;
    const { admin, calls, failNext, finish } = fakeAdmin();
    const purger = new RepartitionPurger(admin, 0, () => now);
    failNext(true);
    purger.maybePurge([at(10)]);
    await finish(purger);
    expect(purger.lastError).toBeInstanceOf(Error);
    failNext(false);
    now = 1;
    purger.maybePurge([at(10)]);
    await finish(purger);
    expect(calls.map((c) => c.partitions[0]?.offset)).toEqual(['10', '10']);
    expect(purger.lastError).toBeUndefined();
  });
});
