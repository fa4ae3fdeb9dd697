/**
 * Reads the few figures the load test follows from an app's Prometheus
 * `/metrics`: prom-client's default process metrics (RSS, V8 heap) and each
 * app's own lag gauge. No Prometheus server: one scrape per progress tick.
 */

/** Sums every series of each metric name in Prometheus text (labels ignored). */
export function sumByName(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    const name = match[1] as string;
    sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return sums;
}

/** What one scrape of one app gives. */
export interface AppSample {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** The app's lag gauge (records), when it has one. */
  readonly lag: number | undefined;
}

/** Scrapes `${url}/metrics`; undefined if the app did not answer within `timeoutMs`. */
export async function scrape(
  url: string,
  lagMetric?: string,
  timeoutMs = 3000,
): Promise<AppSample | undefined> {
  try {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const sums = sumByName(await response.text());
    return {
      rssBytes: sums.get('process_resident_memory_bytes') ?? 0,
      heapUsedBytes: sums.get('nodejs_heap_size_used_bytes') ?? 0,
      lag: lagMetric === undefined ? undefined : sums.get(lagMetric),
    };
  } catch {
    return undefined;
  }
}
