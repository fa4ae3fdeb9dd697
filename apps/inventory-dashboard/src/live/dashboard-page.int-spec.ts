/**
 * The page in a real browser (headless Debian Chromium through playwright-core):
 * it shows a store's stock, then the change a new event brings, live over
 * server-sent events, without a reload. Saves a screenshot to tmp/ (gitignored),
 * or to docs/img/dashboard.png, the README's picture, with EDA_UPDATE_SCREENSHOTS=true.
 *
 * Skips, saying so, only when Chromium is missing (`apt-get install -y
 * chromium`) on a developer's machine. Under CI (`CI=true`) a missing
 * Chromium fails the suite instead: CI must show the page works.
 * `EDA_CHROMIUM` names another executable (default /usr/bin/chromium).
 */
import 'reflect-metadata';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { chromium, type BrowserContext } from 'playwright-core';
import { KafkaTestContext } from '@eda/testing';
import { serve } from '../serve';
import { DashboardTopics } from '../testing/dashboard-topics.fixture';

const CHROMIUM = process.env['EDA_CHROMIUM'] || '/usr/bin/chromium';
const SCREENSHOT =
  process.env['EDA_UPDATE_SCREENSHOTS'] === 'true'
    ? join(__dirname, '../../../../docs/img/dashboard.png')
    : join(__dirname, '../../../../tmp/screenshots/dashboard.png');
const available = existsSync(CHROMIUM);
const missing = `${CHROMIUM} is missing. Install it with: apt-get install -y chromium`;
if (!available && process.env['CI'] === 'true') {
  describe('the dashboard page in Chromium', () => {
    it('runs under CI, which must have Chromium', () => {
      throw new Error(`CI=true, and the browser test cannot run: ${missing}`);
    });
  });
} else if (!available) {
  console.warn(`Skipping the browser test: ${missing}`);
}

(available ? describe : describe.skip)('the dashboard page in Chromium', () => {
  const context = new KafkaTestContext('inventory-dashboard-page');
  const topics = new DashboardTopics(context);
  const saved = { ...process.env };
  const profile = mkdtempSync(join(tmpdir(), 'eda-chromium-'));
  let app: INestApplication;
  let browser: BrowserContext;

  beforeAll(async () => {
    await topics.create();
    await topics.sendStores([
      {
        storeId: 'store-001',
        items: { 'SKU-00001': 42, 'SKU-00002': 3, 'SKU-00003': 0 },
        updatedAt: Date.now() - 60_000,
      },
      { storeId: 'store-002', items: { 'SKU-00001': 17, 'SKU-00002': 25 }, updatedAt: Date.now() - 60_000 },
    ]);
    await topics.sendItems([
      { sku: 'SKU-00001', quantity: 59, updatedAt: Date.now() - 60_000 },
      { sku: 'SKU-00002', quantity: 28, updatedAt: Date.now() - 60_000 },
      { sku: 'SKU-00003', quantity: 0, updatedAt: Date.now() - 60_000 },
    ]);
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    await topics.sendSales([
      {
        storeId: 'store-001',
        windowStart: start,
        windowEnd: start + 60_000,
        unitsSold: 12,
        revenue: 15_480,
        transactions: 5,
      },
      {
        storeId: 'store-002',
        windowStart: start,
        windowEnd: start + 60_000,
        unitsSold: 4,
        revenue: 3_996,
        transactions: 2,
      },
    ]);
    Object.assign(process.env, topics.env());
    app = await serve({ port: 0, waitUntilCaughtUp: true });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      // No highlight animation half-way through in the screenshot.
      reducedMotion: 'reduce',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    process.env = { ...saved };
    rmSync(profile, { recursive: true, force: true });
    await topics.delete();
    await context.close();
  });

  it('shows stock, marks low items, and updates live when an event arrives', async () => {
    const page = await browser.newPage();
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });
    await page.goto(`http://127.0.0.1:${app.getHttpServer().address().port}/`);
    const store = page.locator('[data-store-id="store-001"]');
    const sku1 = store.locator('tr[data-sku="SKU-00001"] td');
    await sku1.getByText('42', { exact: true }).waitFor();
    await page.getByRole('status').getByText('Live').waitFor();
    expect(await store.locator('tr[data-sku="SKU-00002"]').getAttribute('class')).toBe('low');
    expect(await store.locator('tr[data-sku="SKU-00003"]').getAttribute('class')).toBe('out');

    await topics.sendStores([
      {
        storeId: 'store-001',
        items: { 'SKU-00001': 4, 'SKU-00002': 3, 'SKU-00003': 0 },
        updatedAt: Date.now(),
      },
    ]);
    await sku1.getByText('4', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await store.locator('tr[data-sku="SKU-00001"]').getAttribute('class')).toContain('low');
    // The LOW alert the update raised is listed too.
    await page
      .locator('#alerts li')
      .getByText(/store-001 · SKU-00001: LOW/)
      .waitFor({ timeout: 10_000 });
    expect(navigations).toBe(1);

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
