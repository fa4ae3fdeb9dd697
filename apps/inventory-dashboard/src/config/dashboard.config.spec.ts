import { dashboardSettingsFromEnv } from './dashboard.config';

describe('dashboard settings', () => {
  it('has working defaults and a fresh consumer group per start', () => {
    const first = dashboardSettingsFromEnv({});
    expect(first).toMatchObject({
      port: 3000,
      topics: { storeInventory: 'store.inventory', storeSales: 'store.sales.1m', alerts: 'inventory.alerts' },
      retryBackoffMs: [1000, 10_000],
      lowStockThreshold: 5,
    });
    expect(first.groupId).toMatch(/^inventory-dashboard-/);
    expect(dashboardSettingsFromEnv({}).groupId).not.toBe(first.groupId);
  });

  it('shares one alerting application id across replicas (not per start), with a bounded session timeout', () => {
    const settings = dashboardSettingsFromEnv({});
    expect(settings.alerting).toEqual({
      groupId: 'inventory-dashboard-alerting',
      sessionTimeoutMs: 30_000,
      createInternalTopics: false,
    });
    expect(dashboardSettingsFromEnv({}).alerting.groupId).toBe(settings.alerting.groupId);
    expect(
      dashboardSettingsFromEnv({
        ALERTS_GROUP_ID: 'dash-alerting',
        ALERTS_SESSION_TIMEOUT_MS: '6000',
        ALERTS_INTERNAL_TOPICS_CREATE: 'true',
      }).alerting,
    ).toEqual({ groupId: 'dash-alerting', sessionTimeoutMs: 6000, createInternalTopics: true });
  });

  it('reads retry delays, and none means failures go straight to the DLQ', () => {
    expect(dashboardSettingsFromEnv({ RETRY_BACKOFF_MS: '200, 400' }).retryBackoffMs).toEqual([200, 400]);
    expect(dashboardSettingsFromEnv({ RETRY_BACKOFF_MS: '' }).retryBackoffMs).toEqual([]);
  });

  it.each([
    ['PORT', 'http'],
    ['STORE_INVENTORY_TOPIC', 'no spaces'],
    ['RETRY_BACKOFF_MS', '1s,2s'],
    ['LOW_STOCK_THRESHOLD', '-1'],
    ['ALERTS_GROUP_ID', 'a group'],
    ['ALERTS_SESSION_TIMEOUT_MS', '1000'],
    ['ALERTS_INTERNAL_TOPICS_CREATE', 'yes'],
    ['LOG_LEVEL', 'loud'],
  ])('names %s when it is "%s"', (variable, value) => {
    expect(() => dashboardSettingsFromEnv({ [variable]: value })).toThrow(
      expect.objectContaining({ variable, retriable: false, message: expect.stringContaining(variable) }),
    );
  });
});
