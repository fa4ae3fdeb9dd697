import { LatencyMatcher, percentiles } from './latency-matcher';

describe('LatencyMatcher', () => {
  it('times an event from its event time to the first sighting that covers it', () => {
    const m = new LatencyMatcher();
    m.produced('store-001', 1000);
    m.produced('store-001', 1010);
    m.sighted('store-001', 1000, 1200);
    m.sighted('store-001', 1010, 1350);
    expect(m.all().map((s) => s.latencyMs)).toEqual([200, 340]);
    expect(m.unseen).toBe(0);
  });

  it('matches an event read from items after the reader already saw it', () => {
    const m = new LatencyMatcher();
    m.sighted('store-001', 1000, 1100);
    m.sighted('store-001', 2000, 2300);
    m.produced('store-001', 1500);
    expect(m.all()).toEqual([{ eventTime: 1500, latencyMs: 800 }]);
  });

  it('keeps stores apart and ignores sightings that do not move updatedAt forward', () => {
    const m = new LatencyMatcher();
    m.produced('store-001', 1000);
    m.produced('store-002', 1000);
    m.sighted('store-002', 1000, 1050);
    m.sighted('store-001', 900, 1060);
    expect(m.unseen).toBe(1);
    m.sighted('store-001', 1000, 1500);
    m.sighted('store-001', 1000, 9999);
    expect(m.all().map((s) => s.latencyMs)).toEqual([50, 500]);
  });
});

describe('percentiles', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentiles(values, [50, 99, 99.9, 100])).toEqual([500, 990, 999, 1000]);
    expect(percentiles([], [50])[0]).toBeNaN();
  });
});
