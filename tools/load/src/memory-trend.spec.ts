import { sumByName } from './app-metrics';
import { memoryTrend, slope } from './memory-trend';

const MiB = 1024 * 1024;

describe('memoryTrend', () => {
  it('fits MiB per minute after the warm-up', () => {
    // 100 MiB rising 2 MiB a minute, plus a large value during the warm-up that must be left out.
    const points = Array.from({ length: 61 }, (_, i) => ({
      t: i * 5,
      rssBytes: (i * 5 < 30 ? 500 : 100 + (2 * i * 5) / 60) * MiB,
      heapUsedBytes: 50 * MiB,
    }));
    const trend = memoryTrend(points, 30);
    expect(trend.rssMiBPerMin).toBeCloseTo(2, 6);
    expect(trend.heapMiBPerMin).toBeCloseTo(0, 6);
    expect(trend.points).toBe(55);
  });

  it('fits the floors, so a saw-tooth between collections does not read as growth or shrinkage', () => {
    // Heap climbs 20 MiB between collections every 50 s, on a flat 60 MiB floor; sampled every 5 s.
    const points = Array.from({ length: 48 }, (_, i) => ({
      t: i * 5,
      rssBytes: 200 * MiB,
      heapUsedBytes: (60 + ((i % 10) / 10) * 20) * MiB,
    }));
    expect(Math.abs(memoryTrend(points, 0).heapMiBPerMin)).toBeLessThan(1);
  });

  it('reads a sawtooth (GC) as flat', () => {
    const xs = Array.from({ length: 120 }, (_, i) => i);
    expect(
      Math.abs(
        slope(
          xs,
          xs.map((x) => (x % 10) * 3),
        ),
      ),
    ).toBeLessThan(0.05);
  });
});

describe('sumByName', () => {
  it('sums the series of each metric and skips comments', () => {
    const text = [
      '# HELP aggregator_streams_lag lag',
      'aggregator_streams_lag{task="0_1",topic="items",partition="1"} 3',
      'aggregator_streams_lag{task="0_2",topic="items",partition="2"} 4',
      'process_resident_memory_bytes 1.5e8',
    ].join('\n');
    const sums = sumByName(text);
    expect(sums.get('aggregator_streams_lag')).toBe(7);
    expect(sums.get('process_resident_memory_bytes')).toBe(150_000_000);
  });
});
