/**
 * The interactive-query endpoints (public contract, docs/architecture.md):
 * `GET /api/items/:sku`, `GET /api/stores/:storeId/inventory` and
 * `GET /api/stores/:storeId/sales?from&to`. Any instance answers for any key;
 * see {@link InventoryQueryService} for the routing.
 */
import { BadRequestException, Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { AggregatorMetrics } from '../metrics/aggregator-metrics';
import { FORWARDED_BY_HEADER, InventoryQueryService } from './inventory-query.service';
import type { QueryAnswer } from './query-answer';
import { parseInstant, parseKey } from './query-params';

/** The parts of the request and response the controller touches (Express or Fastify). */
interface RequestLine {
  readonly originalUrl?: string;
  readonly url?: string;
}
interface ResponseHead {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
}

/** Stock by item, stock by store, and sales windows by store. */
@Controller('api')
export class InventoryQueryController {
  constructor(
    private readonly queries: InventoryQueryService,
    private readonly metrics: AggregatorMetrics,
  ) {}

  /** `{sku, quantity, updatedAt}`; 404 for an unknown sku. */
  @Get('items/:sku')
  async item(
    @Param('sku') sku: string,
    @Req() request: RequestLine,
    @Res({ passthrough: true }) response: ResponseHead,
    @Headers(FORWARDED_BY_HEADER) forwardedBy?: string,
  ): Promise<unknown> {
    const answer = await this.queries.item(parseKey('sku', sku), pathOf(request), forwardedBy);
    return this.write('item', answer, response);
  }

  /** `{storeId, items: {sku: quantity}, updatedAt}`; 404 for an unknown store. */
  @Get('stores/:storeId/inventory')
  async storeInventory(
    @Param('storeId') storeId: string,
    @Req() request: RequestLine,
    @Res({ passthrough: true }) response: ResponseHead,
    @Headers(FORWARDED_BY_HEADER) forwardedBy?: string,
  ): Promise<unknown> {
    const answer = await this.queries.storeInventory(
      parseKey('storeId', storeId),
      pathOf(request),
      forwardedBy,
    );
    return this.write('store_inventory', answer, response);
  }

  /** `{storeId, windows: [...]}` overlapping `[from, to)` (each optional, ISO-8601); 400 when `from` > `to`. */
  @Get('stores/:storeId/sales')
  async sales(
    @Param('storeId') storeId: string,
    @Query('from') fromText: string | undefined,
    @Query('to') toText: string | undefined,
    @Req() request: RequestLine,
    @Res({ passthrough: true }) response: ResponseHead,
    @Headers(FORWARDED_BY_HEADER) forwardedBy?: string,
  ): Promise<unknown> {
    const key = parseKey('storeId', storeId);
    const from = parseInstant('from', single('from', fromText), 0);
    const to = parseInstant('to', single('to', toText), Number.MAX_SAFE_INTEGER);
    if (from > to) {
      this.metrics.queries.inc({ endpoint: 'store_sales', outcome: 'bad_request' });
      response.status(400);
      return { statusCode: 400, error: 'Bad Request', message: 'from must not be after to' };
    }
    const answer = await this.queries.sales(key, from, to, pathOf(request), forwardedBy);
    return this.write('store_sales', answer, response);
  }

  private write(endpoint: string, answer: QueryAnswer, response: ResponseHead): unknown {
    this.metrics.queries.inc({ endpoint, outcome: answer.outcome });
    response.status(answer.status);
    if (answer.retryAfterSeconds !== undefined)
      response.setHeader('Retry-After', String(answer.retryAfterSeconds));
    return answer.body;
  }
}

function pathOf(request: RequestLine): string {
  return request.originalUrl ?? request.url ?? '/';
}

/** A repeated query parameter arrives as an array: refuse it rather than pick one. */
function single(name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new BadRequestException(`${name} must be given once`);
}
