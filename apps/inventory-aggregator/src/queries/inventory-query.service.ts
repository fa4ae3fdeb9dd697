/**
 * Interactive queries over the aggregator's stores. A key lives in one task,
 * on one instance: the one owning the key's partition. This instance answers
 * from its own stores when it owns the key, and otherwise forwards the
 * request to the owner's `application.server`, marking it with
 * {@link FORWARDED_BY_HEADER}. A forwarded request is never forwarded again:
 * if ownership moved meanwhile, the answer is a 503 to retry, not a loop.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidStateStoreError } from '@eda/streams';
import { aggregatorConfig, type AggregatorSettings } from '../config/aggregator.config';
import { InventoryStreams, StreamsNotStartedError } from '../streams/inventory-streams';
import { STORES } from '../topology/inventory-topology';
import type { ItemStock, SalesTotals, StoreStock } from '../topology/stock-aggregates';
import { found, notFound, unavailable, type QueryAnswer } from './query-answer';

/** Marks a request one instance forwarded to another; its value is the sender's `application.server`. */
export const FORWARDED_BY_HEADER = 'x-eda-forwarded-by';

/** One query: which store and key decide the owner, the path to forward, and the local read. */
interface Query {
  readonly store: string;
  readonly key: string;
  /** Path and query string, as the owner should receive it. */
  readonly path: string;
  /** Set when the request came from another instance. */
  readonly forwardedBy: string | undefined;
  /** Reads this instance's stores: a body, or undefined for an unknown key. */
  readonly local: () => unknown;
  /** Names the key in a 404. */
  readonly what: string;
}

/** Answers item, store-inventory and store-sales queries, routing each to the instance owning its key. */
@Injectable()
export class InventoryQueryService {
  private readonly logger = new Logger(InventoryQueryService.name);

  constructor(
    private readonly streams: InventoryStreams,
    @Inject(aggregatorConfig.KEY) private readonly settings: AggregatorSettings,
  ) {}

  /** `{sku, quantity, updatedAt}` of one item across stores. */
  item(sku: string, path: string, forwardedBy?: string): Promise<QueryAnswer> {
    return this.route({
      store: STORES.itemStock,
      key: sku,
      path,
      forwardedBy,
      what: `sku "${sku}"`,
      local: () => {
        const stock = this.streams.keyValueStore<ItemStock>(STORES.itemStock).get(sku);
        return stock && { sku, quantity: stock.quantity, updatedAt: iso(stock.updatedAt) };
      },
    });
  }

  /** `{storeId, items: {sku: quantity}, updatedAt}` of one store. */
  storeInventory(storeId: string, path: string, forwardedBy?: string): Promise<QueryAnswer> {
    return this.route({
      store: STORES.storeStock,
      key: storeId,
      path,
      forwardedBy,
      what: `store "${storeId}"`,
      local: () => {
        const stock = this.streams.keyValueStore<StoreStock>(STORES.storeStock).get(storeId);
        return stock && { storeId, items: stock.items, updatedAt: iso(stock.updatedAt) };
      },
    });
  }

  /**
   * `{storeId, windows: [...]}`: the store's 1-minute sales windows that
   * overlap `[from, to)`, oldest first, as far back as `SALES_RETENTION_MS`.
   * A store with stock but no sales in the range has an empty list; a store
   * never seen is a 404.
   */
  sales(storeId: string, from: number, to: number, path: string, forwardedBy?: string): Promise<QueryAnswer> {
    const size = this.settings.salesWindowMs;
    return this.route({
      store: STORES.storeSales,
      key: storeId,
      path,
      forwardedBy,
      what: `store "${storeId}"`,
      local: () => {
        // Sales and stock of a store are keyed alike and live in the same task.
        const known = this.streams.keyValueStore<StoreStock>(STORES.storeStock).get(storeId) !== undefined;
        const windows = this.streams
          .windowStore<SalesTotals>(STORES.storeSales)
          .fetchRange(storeId, from - size + 1, to - 1)
          .map(({ windowStart, value }) => ({
            windowStart: iso(windowStart),
            windowEnd: iso(windowStart + size),
            unitsSold: value.unitsSold,
            revenue: value.revenue,
            transactions: value.transactions,
          }));
        return known || windows.length > 0 ? { storeId, windows } : undefined;
      },
    });
  }

  private async route(query: Query): Promise<QueryAnswer> {
    const retryAfter = this.settings.retryAfterSeconds;
    const self = this.streams.applicationServer;
    try {
      const owner = this.streams.ownerOf(query.store, query.key).activeHost;
      if (owner === self) {
        const body = query.local();
        return body === undefined ? notFound(query.what) : found(body);
      }
      if (query.forwardedBy !== undefined) {
        return unavailable(
          `${query.what} is not hosted by ${self} (forwarded by ${query.forwardedBy}); its partition is moving, retry shortly`,
          retryAfter,
        );
      }
      if (owner === undefined) {
        return unavailable(
          `the instance hosting ${query.what} is not known yet (rebalancing); retry shortly`,
          retryAfter,
        );
      }
      return await this.forward(owner, query.path);
    } catch (err) {
      if (err instanceof StreamsNotStartedError || (err instanceof InvalidStateStoreError && err.retriable)) {
        return unavailable(`state is not queryable yet: ${err.message}`, retryAfter);
      }
      throw err;
    }
  }

  private async forward(owner: string, path: string): Promise<QueryAnswer> {
    const retryAfter = this.settings.retryAfterSeconds;
    try {
      const response = await fetch(`http://${owner}${path}`, {
        headers: { [FORWARDED_BY_HEADER]: this.streams.applicationServer, accept: 'application/json' },
        signal: AbortSignal.timeout(this.settings.forwardTimeoutMs),
      });
      const body: unknown = await response.json();
      const header = Number(response.headers.get('retry-after'));
      return {
        status: response.status,
        body,
        outcome: response.ok ? 'forwarded' : response.status === 404 ? 'not_found' : 'unavailable',
        ...(Number.isInteger(header) && header > 0 ? { retryAfterSeconds: header } : {}),
      };
    } catch (err) {
      this.logger.warn(`forwarding ${path} to ${owner} failed: ${(err as Error).message}`);
      return unavailable(
        `the instance hosting this key (${owner}) did not answer; retry shortly`,
        retryAfter,
      );
    }
  }
}

function iso(millis: number): string {
  return new Date(millis).toISOString();
}
