import type { Admin } from 'kafkajs';
import { ConsumerProgress } from './consumer-progress';

/** An admin whose only ability is reporting fixed watermarks. */
function watermarks(offsets: Record<string, Array<[low: number, high: number]>>): Admin {
  return {
    fetchTopicOffsets: async (topic: string) =>
      (offsets[topic] ?? []).map(([low, high], partition) => ({
        partition,
        low: String(low),
        high: String(high),
        offset: String(high),
      })),
  } as unknown as Admin;
}

describe('ConsumerProgress', () => {
  it('is caught up at once when every input partition is empty', async () => {
    const progress = new ConsumerProgress();
    await progress.start(watermarks({ a: [[0, 0]], b: [[7, 7]] }), ['a', 'b']);
    expect(progress.isCaughtUp()).toBe(true);
  });

  it('catches up when every partition reached its start-up high watermark', async () => {
    const progress = new ConsumerProgress();
    await progress.start(
      watermarks({
        a: [
          [0, 3],
          [0, 1],
        ],
      }),
      ['a'],
    );
    const done = progress.caughtUp();
    progress.processed('a', 0, '2');
    expect(progress.report()).toMatchObject({ caughtUp: false, pending: ['a/1: 0 of 1'] });
    progress.processed('a', 1, '0');
    await done;
    expect(progress.report()).toMatchObject({ caughtUp: true, pending: [] });
  });

  it('ignores records of other topics (retry topics)', async () => {
    const progress = new ConsumerProgress();
    await progress.start(watermarks({ a: [[0, 1]] }), ['a']);
    progress.processed('app.a.retry.1', 0, '5');
    expect(progress.isCaughtUp()).toBe(false);
  });
});
