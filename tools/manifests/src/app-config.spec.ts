import { join } from 'node:path';
import { appConfigDefaults, appConfigVariables, configDefaults } from './app-config';

const root = join(__dirname, '../../..');

describe('config defaults', () => {
  it('reads literal defaults and skips computed ones', () => {
    const source = [
      "const a = topic(env, 'ITEMS_TOPIC', 'items');",
      "const b = oneOf(env, 'GUARANTEE', GUARANTEES, 'exactly_once_v2');",
      "const c = boolean(env, 'CREATE', true);",
      "const d = delays(env, 'BACKOFF_MS', [1000, 10_000]);",
      "const e = env['APPLICATION_ID'] || 'inventory-aggregator';",
      "const f = integer(env, 'WINDOW_MS', DAY, 1000, 30 * DAY);",
      "const g = integer(env, 'RETENTION_MS', 7 * DAY, 1, 2);",
    ].join('\n');
    expect(configDefaults(source)).toEqual({
      ITEMS_TOPIC: 'items',
      GUARANTEE: 'exactly_once_v2',
      CREATE: 'true',
      BACKOFF_MS: '1000,10000',
      APPLICATION_ID: 'inventory-aggregator',
    });
  });

  it('reads what the profiles need from the real apps/<app>/src/config', () => {
    expect(appConfigDefaults(root, 'inventory-aggregator')).toMatchObject({
      APPLICATION_ID: 'inventory-aggregator',
      ITEMS_TOPIC: 'items',
      ITEM_INVENTORY_TOPIC: 'item.inventory',
      STORE_INVENTORY_TOPIC: 'store.inventory',
      STORE_SALES_TOPIC: 'store.sales.1m',
      PROCESSING_GUARANTEE: 'exactly_once_v2',
      INTERNAL_TOPICS_CREATE: 'true',
    });
    expect(appConfigDefaults(root, 'inventory-dashboard')).toMatchObject({
      DASHBOARD_APPLICATION_ID: 'inventory-dashboard',
      ITEM_INVENTORY_TOPIC: 'item.inventory',
      STORE_INVENTORY_TOPIC: 'store.inventory',
      STORE_SALES_TOPIC: 'store.sales.1m',
      ALERTS_TOPIC: 'inventory.alerts',
      RETRY_BACKOFF_MS: '1000,10000',
    });
    expect(appConfigDefaults(root, 'store-simulator')).toMatchObject({ ITEMS_TOPIC: 'items' });
  });

  it('knows which variables the real apps read', () => {
    expect([...(appConfigVariables(root, 'inventory-aggregator') ?? [])]).toEqual(
      expect.arrayContaining([
        'APPLICATION_ID',
        'INTERNAL_TOPICS_CREATE',
        'PROCESSING_GUARANTEE',
        'ITEMS_TOPIC',
      ]),
    );
    expect([...(appConfigVariables(root, 'inventory-dashboard') ?? [])]).toEqual(
      expect.arrayContaining(['DASHBOARD_APPLICATION_ID', 'RETRY_BACKOFF_MS', 'ALERTS_TOPIC']),
    );
    expect(appConfigVariables(root, 'no-such-app')).toBeUndefined();
  });
});
