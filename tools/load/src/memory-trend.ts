/**
 * Is memory flat? A least-squares line through the floors of an app's RSS or
 * heap (the lowest sample of every 30 s), after a warm-up, gives a slope in
 * MiB per minute; a run fails when a slope exceeds its limit. A slope of
 * floors, not first-versus-last nor every sample, so neither a collection
 * falling near either end nor the saw-tooth between collections decides.
 */

/** One sample of one app's memory. */
export interface MemoryPoint {
  /** Seconds since the run started. */
  readonly t: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

/** Slopes of one app, in MiB per minute. */
export interface MemoryTrend {
  readonly rssMiBPerMin: number;
  readonly heapMiBPerMin: number;
  readonly points: number;
  /** First and last RSS/heap of the fitted window, MiB. */
  readonly rssMiB: readonly [number, number];
  readonly heapMiB: readonly [number, number];
}

const MiB = 1024 * 1024;

/** Least-squares slope of y over x; 0 with fewer than two points. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * The lower envelope of `points`: the smallest value in each `binS` seconds,
 * at the bin's middle. Heap used (and with it RSS) saw-tooths between
 * collections, and a line through every sample follows where the last
 * collection happened to fall; what a leak raises is the floor a collection
 * returns to.
 */
export function lowerEnvelope(
  points: readonly MemoryPoint[],
  value: (p: MemoryPoint) => number,
  binS: number,
): [number[], number[]] {
  const bins = new Map<number, number>();
  for (const p of points) {
    const bin = Math.floor(p.t / binS);
    bins.set(bin, Math.min(bins.get(bin) ?? Number.POSITIVE_INFINITY, value(p)));
  }
  const keys = [...bins.keys()].sort((a, b) => a - b);
  return [keys.map((k) => ((k + 0.5) * binS) / 60), keys.map((k) => (bins.get(k) as number) / MiB)];
}

/** The trend of `points` from `fromSecond` on (the warm-up before it is left out), fitted to 30 s floors. */
export function memoryTrend(points: readonly MemoryPoint[], fromSecond: number, binS = 30): MemoryTrend {
  const window = points.filter((p) => p.t >= fromSecond);
  const first = window[0];
  const last = window[window.length - 1];
  return {
    rssMiBPerMin: slope(...lowerEnvelope(window, (p) => p.rssBytes, binS)),
    heapMiBPerMin: slope(...lowerEnvelope(window, (p) => p.heapUsedBytes, binS)),
    points: window.length,
    rssMiB: [first ? first.rssBytes / MiB : 0, last ? last.rssBytes / MiB : 0],
    heapMiB: [first ? first.heapUsedBytes / MiB : 0, last ? last.heapUsedBytes / MiB : 0],
  };
}
