import type { Consumer } from 'kafkajs';
import { OffsetCommitter } from './offset-committer';

/** Records what a consumer was asked to commit, as the broker would store it. */
function committingConsumer() {
  const committed: Record<string, string> = {};
  let requests = 0;
  const consumer = {
    commitOffsets: async (offsets: Array<{ topic: string; partition: number; offset: string }>) => {
      requests += 1;
      for (const o of offsets) committed[`${o.topic}/${o.partition}`] = o.offset;
    },
  } as unknown as Consumer;
  return { consumer, committed, requests: () => requests };
}

describe('OffsetCommitter', () => {
  it('coalesces many records into one commit of the next offset per partition', async () => {
    const { consumer, committed, requests } = committingConsumer();
    const committer = new OffsetCommitter(60_000);
    for (let offset = 0; offset < 100; offset++)
      await committer.processed(consumer, 't', offset % 2, String(offset));
    expect(requests()).toBe(0);
    await committer.flush(consumer);
    expect(committed).toEqual({ 't/0': '99', 't/1': '100' });
    expect(requests()).toBe(1);
  });

  it('commits as soon as the interval has passed', async () => {
    const { consumer, committed } = committingConsumer();
    const committer = new OffsetCommitter(0);
    await committer.processed(consumer, 't', 0, '41');
    expect(committed).toEqual({ 't/0': '42' });
  });

  it('keeps offsets whose commit failed for the next attempt', async () => {
    let fail = true;
    const committed: string[] = [];
    const consumer = {
      commitOffsets: async (offsets: Array<{ offset: string }>) => {
        if (fail) throw new Error('REBALANCE_IN_PROGRESS');
        committed.push(...offsets.map((o) => o.offset));
      },
    } as unknown as Consumer;
    const committer = new OffsetCommitter(60_000);
    await committer.processed(consumer, 't', 0, '5');
    await expect(committer.flush(consumer)).rejects.toThrow('REBALANCE_IN_PROGRESS');
    fail = false;
    await committer.flush(consumer);
    expect(committed).toEqual(['6']);
  });
});
