/**
 * The simulated retail world: K stores selling M items, as a pure function of
 * a seed. Store ids, the item catalog and prices, which store sells what and
 * how much, transaction ids, and event times are all drawn from one
 * {@link SeededRandom}, so the n-th transaction of a seed is the same on every
 * run, for any count, which is what lets consumers deduplicate a replay.
 *
 * Stock moves realistically: a store restocks an item before it sells it (a
 * pair starts empty and is restocked when at or below its reorder point), and
 * a sale never takes more than the store has, so the generator itself never
 * drives stock negative. Negative stock downstream therefore means lost or
 * double-counted events, not simulator noise.
 */
import { TransactionType, type ItemTransaction } from '@eda/events';
import { SeededRandom } from './seeded-random';

/** What shapes a scenario. */
export interface ScenarioOptions {
  /** Unsigned 32-bit seed. */
  readonly seed: number;
  /** Number of stores, 1 or more. */
  readonly stores: number;
  /** Number of distinct items (skus), 1 or more. */
  readonly skus: number;
  /**
   * Event time the scenario starts from, epoch milliseconds (default
   * {@link SCENARIO_EPOCH_MS}). It shifts every timestamp and changes nothing
   * else. Pass a recent time where records must outlive the broker's
   * time-based retention: Kafka deletes records older than a topic's
   * `retention.ms` by their timestamp, so a scenario stamped months ago
   * loses its sales windows and changelogs within minutes.
   */
  readonly startTime?: number;
}

/** One item of the catalog. */
export interface CatalogItem {
  readonly sku: string;
  /** Shelf price in cents, charged on a SALE. */
  readonly unitPrice: number;
  /** Purchase cost in cents, paid on a RESTOCK. */
  readonly unitCost: number;
}

/**
 * Event time of a scenario's first transaction: 2026-01-01T00:00:00Z. Event
 * times are scenario time, not wall-clock time, so a replay is byte-identical.
 */
export const SCENARIO_EPOCH_MS = Date.UTC(2026, 0, 1);

/** Restock a store's item when its stock is at or below this. */
export const REORDER_POINT = 5;

/** Bounds of one restock and one sale, in units. */
const RESTOCK_UNITS = { min: 20, max: 60 } as const;
const SALE_UNITS = { min: 1, max: 4 } as const;
/** Probability that a store tops an item up although it is above the reorder point. */
const TOP_UP_CHANCE = 0.04;
/** Gap between consecutive event times, in milliseconds. */
const EVENT_GAP_MS = { min: 20, max: 2000 } as const;

/** An endless, deterministic stream of {@link ItemTransaction}s for one seed. */
export class StoreScenario {
  /** `store-001` ... in order. */
  readonly storeIds: readonly string[];
  /** The items, with prices drawn from the seed. */
  readonly catalog: readonly CatalogItem[];
  private readonly random: SeededRandom;
  /** Units on hand per (store, item), row-major by store. */
  private readonly stock: Int32Array;
  private clock: number;

  constructor(readonly options: ScenarioOptions) {
    if (!Number.isInteger(options.stores) || options.stores < 1) throw new RangeError('stores must be >= 1');
    if (!Number.isInteger(options.skus) || options.skus < 1) throw new RangeError('skus must be >= 1');
    const start = options.startTime ?? SCENARIO_EPOCH_MS;
    if (!Number.isSafeInteger(start) || start < 0)
      throw new RangeError('startTime must be epoch milliseconds >= 0');
    this.clock = start;
    this.random = new SeededRandom(options.seed);
    this.storeIds = Array.from(
      { length: options.stores },
      (_, i) => `store-${String(i + 1).padStart(3, '0')}`,
    );
    this.catalog = Array.from({ length: options.skus }, (_, i) => {
      const unitPrice = this.random.int(99, 9999);
      return {
        sku: `SKU-${String(i + 1).padStart(5, '0')}`,
        unitPrice,
        unitCost: Math.round(unitPrice * 0.6),
      };
    });
    this.stock = new Int32Array(options.stores * options.skus);
  }

  /** The next transaction. */
  next(): ItemTransaction {
    const random = this.random;
    const store = random.int(0, this.storeIds.length - 1);
    const item = random.int(0, this.catalog.length - 1);
    const slot = store * this.catalog.length + item;
    const onHand = this.stock[slot] as number;
    const restock = onHand <= REORDER_POINT || random.chance(TOP_UP_CHANCE);
    const quantity = restock
      ? random.int(RESTOCK_UNITS.min, RESTOCK_UNITS.max)
      : random.int(SALE_UNITS.min, Math.min(SALE_UNITS.max, onHand));
    this.stock[slot] = onHand + (restock ? quantity : -quantity);
    this.clock += random.int(EVENT_GAP_MS.min, EVENT_GAP_MS.max);
    const { sku, unitPrice, unitCost } = this.catalog[item] as CatalogItem;
    return {
      id: random.uuid(),
      storeId: this.storeIds[store] as string,
      sku,
      type: restock ? TransactionType.RESTOCK : TransactionType.SALE,
      quantity,
      unitPrice: restock ? unitCost : unitPrice,
      currency: 'USD',
      timestamp: this.clock,
    };
  }

  /** The next `count` transactions. */
  take(count: number): ItemTransaction[] {
    return Array.from({ length: count }, () => this.next());
  }

  /** Units on hand of `sku` in `storeId` after the transactions generated so far. */
  stockOf(storeId: string, sku: string): number {
    const store = this.storeIds.indexOf(storeId);
    const item = this.catalog.findIndex((c) => c.sku === sku);
    if (store < 0 || item < 0) throw new RangeError(`unknown store ${storeId} or sku ${sku}`);
    return this.stock[store * this.catalog.length + item] as number;
  }
}

/** The first `count` transactions of a scenario: the pure function replays are checked against. */
export function scenarioTransactions(options: ScenarioOptions, count: number): ItemTransaction[] {
  return new StoreScenario(options).take(count);
}

/**
 * How far after its `startTime` the `count`-th transaction of a scenario is
 * stamped: a dry run of the same seed, yielding to the event loop now and then
 * (ten million transactions take seconds). A counted run without a start time
 * starts this far before now, so its last event is stamped now and none is in
 * the future, which Kafka 4 refuses beyond an hour.
 */
export async function scenarioSpanMs(
  options: Omit<ScenarioOptions, 'startTime'>,
  count: number,
): Promise<number> {
  const scenario = new StoreScenario({ ...options, startTime: 0 });
  let last = 0;
  for (let done = 0; done < count;) {
    const n = Math.min(SPAN_CHUNK, count - done);
    for (let i = 0; i < n; i++) last = scenario.next().timestamp;
    done += n;
    if (done < count) await new Promise((resolve) => setImmediate(resolve));
  }
  return last;
}

/** Transactions generated between two yields of {@link scenarioSpanMs}. */
const SPAN_CHUNK = 100_000;
