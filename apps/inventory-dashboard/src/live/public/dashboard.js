// The dashboard page: renders the view from server-sent events (/api/events).
// The first event is a snapshot of everything; each later event changes one part.
'use strict';

const state = { stores: new Map(), items: new Map(), sales: new Map(), alerts: [], threshold: 0 };
const MAX_SALES = 30;
const MAX_ALERTS = 50;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
};
const time = (millis) => new Date(millis).toISOString().slice(11, 16);
const money = (cents) => (cents / 100).toFixed(2);

function level(quantity) {
  if (quantity <= 0) return 'out';
  return quantity <= state.threshold ? 'low' : '';
}

function storeCard(store) {
  const rows = Object.entries(store.items)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([sku, quantity]) => {
      const mark = level(quantity);
      const name = el('th', { scope: 'row' }, sku);
      if (mark) name.append(el('strong', { class: `badge ${mark}` }, mark === 'out' ? 'OUT' : 'LOW'));
      return el('tr', { class: mark, 'data-sku': sku }, name, el('td', { class: 'num' }, String(quantity)));
    });
  const table = el(
    'table',
    {},
    el(
      'thead',
      {},
      el('tr', {}, el('th', { scope: 'col' }, 'SKU'), el('th', { scope: 'col', class: 'num' }, 'Units')),
    ),
    el('tbody', {}, ...rows),
  );
  return el(
    'article',
    { class: 'store', 'data-store-id': store.storeId, 'aria-label': `Store ${store.storeId}` },
    el('h3', {}, store.storeId),
    table,
  );
}

function renderStores(changedId) {
  const container = $('stores');
  const stores = [...state.stores.values()].sort((a, b) => a.storeId.localeCompare(b.storeId));
  if (stores.length === 0) {
    container.replaceChildren(el('p', { class: 'empty' }, 'No store yet.'));
    return;
  }
  container.replaceChildren(
    ...stores.map((s) => {
      const card = storeCard(s);
      if (s.storeId === changedId) card.classList.add('changed');
      return card;
    }),
  );
}

function renderItems() {
  const items = [...state.items.values()].sort((a, b) => a.sku.localeCompare(b.sku));
  $('items').replaceChildren(
    ...items.map((i) =>
      el(
        'tr',
        { 'data-sku': i.sku },
        el('th', { scope: 'row' }, i.sku),
        el('td', { class: 'num' }, String(i.quantity)),
      ),
    ),
  );
}

function renderSales() {
  const windows = [...state.sales.values()]
    .sort((a, b) => b.windowStart - a.windowStart || a.storeId.localeCompare(b.storeId))
    .slice(0, MAX_SALES);
  $('sales').replaceChildren(
    ...windows.map((w) =>
      el(
        'tr',
        {},
        el('td', {}, w.storeId),
        el('td', {}, `${time(w.windowStart)}–${time(w.windowEnd)}`),
        el('td', { class: 'num' }, String(w.unitsSold)),
        el('td', { class: 'num' }, money(w.revenue)),
        el('td', { class: 'num' }, String(w.transactions)),
      ),
    ),
  );
}

function renderAlerts() {
  $('alerts').replaceChildren(
    ...state.alerts.map((a) =>
      el(
        'li',
        { class: a.level === 'OUT_OF_STOCK' ? 'out' : 'low' },
        `${new Date(a.timestamp).toISOString().slice(0, 19)}Z · ${a.storeId} · ${a.sku}: ${a.level} (${a.quantity} units, threshold ${a.threshold})`,
      ),
    ),
  );
}

const windowKey = (w) => `${w.storeId}@${w.windowStart}`;

const handlers = {
  snapshot(view) {
    state.threshold = view.lowStockThreshold;
    $('threshold').textContent = String(view.lowStockThreshold);
    state.stores = new Map(view.stores.map((s) => [s.storeId, s]));
    state.items = new Map(view.items.map((i) => [i.sku, i]));
    state.sales = new Map(view.sales.map((w) => [windowKey(w), w]));
    state.alerts = view.alerts.slice(0, MAX_ALERTS);
    renderStores();
    renderItems();
    renderSales();
    renderAlerts();
  },
  store({ storeId, store }) {
    if (store) state.stores.set(storeId, store);
    else state.stores.delete(storeId);
    renderStores(storeId);
  },
  item({ sku, item }) {
    if (item) state.items.set(sku, item);
    else state.items.delete(sku);
    renderItems();
  },
  sales({ window }) {
    state.sales.set(windowKey(window), window);
    if (state.sales.size > MAX_SALES * 4) {
      const newest = [...state.sales.values()]
        .sort((a, b) => b.windowStart - a.windowStart)
        .slice(0, MAX_SALES);
      state.sales = new Map(newest.map((w) => [windowKey(w), w]));
    }
    renderSales();
  },
  alert({ alert }) {
    state.alerts = [alert, ...state.alerts].slice(0, MAX_ALERTS);
    renderAlerts();
  },
};

function connect() {
  const status = $('connection');
  const source = new EventSource('api/events');
  source.addEventListener('open', () => {
    status.dataset.state = 'live';
    status.textContent = 'Live';
  });
  source.addEventListener('error', () => {
    // EventSource reconnects by itself; the next snapshot replaces everything.
    status.dataset.state = 'lost';
    status.textContent = 'Connection lost, reconnecting…';
  });
  for (const [type, handle] of Object.entries(handlers)) {
    source.addEventListener(type, (event) => handle(JSON.parse(event.data)));
  }
}

connect();
