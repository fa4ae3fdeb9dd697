/**
 * Routing decisions with a stand-in for the engine: which instance owns a key
 * is all that varies. Forwarding over HTTP is covered end to end by
 * inventory-aggregator.int-spec.ts.
 */
import { InvalidStateStoreError } from '@eda/streams';
import type { AggregatorSettings } from '../config/aggregator.config';
import type { InventoryStreams } from '../streams/inventory-streams';
import { InventoryQueryService } from './inventory-query.service';

const SELF = '10.0.0.1:3002';
const settings = { salesWindowMs: 60_000, retryAfterSeconds: 3, forwardTimeoutMs: 200 } as AggregatorSettings;

function service(
  owner: string | undefined,
  items: Record<string, { quantity: number; updatedAt: number }> = {},
) {
  const streams = {
    applicationServer: SELF,
    ownerOf: () => ({ activeHost: owner, partition: 0 }),
    keyValueStore: () => ({ get: (key: string) => items[key] }),
  } as unknown as InventoryStreams;
  return new InventoryQueryService(streams, settings);
}

describe('InventoryQueryService routing', () => {
  it('answers a key it owns from its own store, with ISO timestamps', async () => {
    const answer = await service(SELF, { A: { quantity: -3, updatedAt: 0 } }).item('A', '/api/items/A');
    expect(answer).toEqual({
      status: 200,
      outcome: 'local',
      body: { sku: 'A', quantity: -3, updatedAt: '1970-01-01T00:00:00.000Z' },
    });
  });

  it('answers 404 for a key it owns but never counted', async () => {
    expect((await service(SELF).item('B', '/api/items/B')).status).toBe(404);
  });

  it('does not forward a forwarded request again: 503 with Retry-After instead of a loop', async () => {
    const answer = await service('10.0.0.2:3002').item('A', '/api/items/A', '10.0.0.3:3002');
    expect(answer).toMatchObject({ status: 503, retryAfterSeconds: 3 });
  });

  it('answers 503 while the owner is unknown or unreachable', async () => {
    expect((await service(undefined).item('A', '/api/items/A')).status).toBe(503);
    // Nothing listens on port 9 of loopback.
    expect(await service('127.0.0.1:9').item('A', '/api/items/A')).toMatchObject({
      status: 503,
      retryAfterSeconds: 3,
    });
  });

  it('answers 503 while stores are restoring', async () => {
    const streams = {
      applicationServer: SELF,
      ownerOf: () => {
        throw new InvalidStateStoreError('not queryable while REBALANCING', true);
      },
    } as unknown as InventoryStreams;
    const answer = await new InventoryQueryService(streams, settings).item('A', '/api/items/A');
    expect(answer).toMatchObject({ status: 503, retryAfterSeconds: 3 });
  });
});
