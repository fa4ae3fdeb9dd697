/**
 * Turns two streams of facts into per-event end-to-end latencies:
 *
 * - the events produced: (storeId, event time), read back from the `items` topic;
 * - what a reader saw: (storeId, `updatedAt`, when it saw it), from the query API or the page.
 *
 * `updatedAt` of a store is the latest event time counted in it
 * (apps/inventory-aggregator/src/topology/stock-aggregates.ts), and a store's
 * events are stamped in order and sit on one partition, so the first sighting
 * with `updatedAt >= t` is the moment an event stamped `t` became visible.
 * Either stream may run ahead of the other, so both sides are kept until matched.
 */

/** One latency, in ms, with the event time it belongs to. */
export interface LatencySample {
  readonly eventTime: number;
  readonly latencyMs: number;
}

interface Sighting {
  readonly at: number;
  readonly updatedAt: number;
}

interface StoreLedger {
  /** Sightings with a strictly rising `updatedAt`, oldest first. */
  sightings: Sighting[];
  /** Event times not seen yet, in the order produced (rising per store). */
  pending: number[];
}

/** Sightings kept per store to match events read late from `items` (ms of wall time). */
const SIGHTING_MEMORY_MS = 120_000;

/** Matches produced events with sightings of one reader (the query API, or the page). */
export class LatencyMatcher {
  private readonly stores = new Map<string, StoreLedger>();
  private readonly samples: LatencySample[] = [];
  private pendingCount = 0;

  /** An event of `storeId` stamped `eventTime` was produced. */
  produced(storeId: string, eventTime: number): void {
    const ledger = this.ledger(storeId);
    const seen = firstAtLeast(ledger.sightings, eventTime);
    if (seen) this.samples.push({ eventTime, latencyMs: seen.at - eventTime });
    else {
      ledger.pending.push(eventTime);
      this.pendingCount++;
    }
  }

  /** The reader saw `storeId` with `updatedAt` at wall time `at`. */
  sighted(storeId: string, updatedAt: number, at: number): void {
    const ledger = this.ledger(storeId);
    const last = ledger.sightings[ledger.sightings.length - 1];
    if (last && updatedAt <= last.updatedAt) return;
    ledger.sightings.push({ at, updatedAt });
    while (ledger.sightings.length > 1 && (ledger.sightings[0] as Sighting).at < at - SIGHTING_MEMORY_MS)
      ledger.sightings.shift();
    let matched = 0;
    while (matched < ledger.pending.length && (ledger.pending[matched] as number) <= updatedAt) {
      const eventTime = ledger.pending[matched] as number;
      this.samples.push({ eventTime, latencyMs: at - eventTime });
      matched++;
    }
    if (matched > 0) {
      ledger.pending.splice(0, matched);
      this.pendingCount -= matched;
    }
  }

  /** Events produced and not seen yet. */
  get unseen(): number {
    return this.pendingCount;
  }

  /** Every latency so far, in the order matched. */
  all(): readonly LatencySample[] {
    return this.samples;
  }

  private ledger(storeId: string): StoreLedger {
    let ledger = this.stores.get(storeId);
    if (!ledger) this.stores.set(storeId, (ledger = { sightings: [], pending: [] }));
    return ledger;
  }
}

/** The first sighting whose `updatedAt` covers `eventTime` (binary search: `updatedAt` rises). */
function firstAtLeast(sightings: readonly Sighting[], eventTime: number): Sighting | undefined {
  let lo = 0;
  let hi = sightings.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sightings[mid] as Sighting).updatedAt >= eventTime) hi = mid;
    else lo = mid + 1;
  }
  return sightings[lo];
}

/** Percentiles (nearest rank) of `values`, for each `p` in [0, 100]. NaN when empty. */
export function percentiles(values: readonly number[], ps: readonly number[]): number[] {
  if (values.length === 0) return ps.map(() => Number.NaN);
  const sorted = Float64Array.from(values).sort();
  return ps.map(
    (p) =>
      sorted[
        Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length - 1e-9) - 1))
      ] as number,
  );
}
