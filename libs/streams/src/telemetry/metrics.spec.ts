import { StreamsMetrics } from './metrics';

describe('StreamsMetrics histograms and commit failures (what /metrics exports)', () => {
  it('keeps cumulative bucket counts, sum and count of commit durations', () => {
    const metrics = new StreamsMetrics('app');
    for (const ms of [3, 7, 40, 40, 20_000]) metrics.recordCommit(ms);
    const commit = metrics.histograms()['streams.commit.duration'];
    expect(commit?.count).toBe(5);
    expect(commit?.sum).toBe(20_090);
    const at = (bound: number) => commit?.counts[commit.buckets.indexOf(bound)];
    expect(at(5)).toBe(1);
    expect(at(10)).toBe(2);
    expect(at(50)).toBe(4);
    expect(at(10_000)).toBe(4);
    expect(at(30_000)).toBe(5);
    expect(metrics.snapshot()['streams.commits']).toBe(5);
  });

  it('records restore durations apart from commits', () => {
    const metrics = new StreamsMetrics('app');
    metrics.recordRestore(1200);
    expect(metrics.histograms()['streams.restore.duration']).toMatchObject({ count: 1, sum: 1200 });
    expect(metrics.histograms()['streams.commit.duration']?.count).toBe(0);
  });

  it('counts the held drops of a discarded task not at all, and a discard alone is no commit failure', () => {
    // A task's uncommitted work is discarded on a failed commit, but also on every clean close and
    // revocation: counting discards as failures made the commit-failure alert fire on each deploy.
    // The task manager counts failed commits where they fail (task-recovery.spec.ts).
    const metrics = new StreamsMetrics('app');
    const held = metrics.heldForTask();
    held.metrics.droppedRecords.add(2, { reason: 'late' });
    held.discard();
    expect(metrics.snapshot()['streams.commit.failures']).toBe(0);
    expect(metrics.snapshot()['streams.records.dropped']).toBe(0);
    const next = metrics.heldForTask();
    next.metrics.droppedRecords.add(1, { reason: 'late' });
    next.commit();
    expect(metrics.droppedRecords.totalsByReason).toEqual({ late: 1 });
  });
});
