/**
 * Is memory flat? A least-squares line through an app's RSS or heap samples,
 * after a warm-up, gives a slope in MiB per minute; a run fails when a slope
 * exceeds its limit. A slope, not first-versus-last, so one GC pause or one
 * allocation burst at either end does not decide the verdict.
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

/** The trend of `points` from `fromSecond` on (the warm-up before it is left out). */
export function memoryTrend(points: readonly MemoryPoint[], fromSecond: number): MemoryTrend {
  const window = points.filter((p) => p.t >= fromSecond);
  const minutes = window.map((p) => p.t / 60);
  const first = window[0];
  const last = window[window.length - 1];
  return {
    rssMiBPerMin: slope(
      minutes,
      window.map((p) => p.rssBytes / MiB),
    ),
    heapMiBPerMin: slope(
      minutes,
      window.map((p) => p.heapUsedBytes / MiB),
    ),
    points: window.length,
    rssMiB: [first ? first.rssBytes / MiB : 0, last ? last.rssBytes / MiB : 0],
    heapMiB: [first ? first.heapUsedBytes / MiB : 0, last ? last.heapUsedBytes / MiB : 0],
  };
}
