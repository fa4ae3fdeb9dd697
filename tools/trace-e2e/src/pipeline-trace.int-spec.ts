/**
 * One navigable trace from each input to the page, read back from a real
 * Jaeger v2: the simulator, the bridge (on the `ibmmq` double), the aggregator
 * and the dashboard run as processes on the native stack with OTLP pointed at
 * Jaeger; the test puts one MQ message and starts one HTTP simulation, as
 * applications outside the repository would (it exports their first span
 * itself), and walks the spans by their parent and link references. The span
 * model is docs/observability.md's.
 *
 * Expected, for the MQ message (T_mq) and the HTTP simulation (T_http, T_batch):
 *
 * ```
 * T_mq   send DEV.ITEMS                               trace-e2e-mq-app      (the MQ put)
 *        └─ send <items>                              mq-bridge
 *           └─ process <items>                        inventory-aggregator
 *              └─ send <app>-items-by-sku-repartition inventory-aggregator
 *                 └─ process <app>-items-by-sku-repartition
 *
 * T_http POST /api/simulations                        trace-e2e-http-client (CLIENT)
 *        └─ POST … (SERVER)                           store-simulator
 * T_batch simulation.batch  ⇢ link to the SERVER span store-simulator
 *        └─ send <items>                              store-simulator
 *           └─ process <items> └─ send <repartition> └─ process <repartition>   (as above)
 *
 * T_agg  aggregate store-stock ⇢ links to `process <items>` (of T_mq, of T_batch)
 *        └─ send <store.inventory>                    inventory-aggregator
 *           └─ process <store.inventory>              inventory-dashboard
 *              └─ sse push store                      inventory-dashboard
 * T_agg' aggregate item-stock  ⇢ links to `process <repartition>`
 *        └─ send <item.inventory> └─ process <item.inventory> └─ sse push item
 *
 * T_iq   GET /api/stores/:storeId/inventory          trace-e2e-http-client (CLIENT)
 *        └─ GET (SERVER)                              inventory-aggregator (the instance asked)
 *           └─ GET (CLIENT, fetch)                    inventory-aggregator (forwarding, undici)
 *              └─ GET (SERVER)                        inventory-aggregator (the owner of the key)
 * ```
 *
 * Removing the propagation at any one hop (the bridge's MQ → header copy, the
 * kafkajs send span's parent, the streams sink's header, a link, the push
 * span's parent, the fetch instrumentation) leaves one of these steps unfound,
 * and the test fails naming it.
 */
import { randomUUID } from 'node:crypto';
import { createSchemaRegistryClient, inventorySchemas, registryConfigFromEnv } from '@eda/events';
import { RetryTopology } from '@eda/kafka';
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import { Jaeger, linksOf, newIds, parentOf, tag, type JaegerSpan } from './jaeger';
import { putOnBridgeQueue, startApp, type AppProcess } from './processes';

/** The bridge test double's queue manager (apps/mq-bridge/src/testing/fake-mq-protocol.ts). */
const FAKE_MQ_ENV = {
  MQ_QMGR: 'QM1',
  MQ_CONN_NAME: 'mq(1414)',
  MQ_CHANNEL: 'DEV.APP.SVRCONN',
  MQ_USER: 'app',
  MQ_PASSWORD: 'passw0rd',
  MQ_QUEUE: 'DEV.ITEMS',
  MQ_BACKOUT_QUEUE: 'DEV.ITEMS.BACKOUT',
} as const;

const WALK_TIMEOUT_MS = 90_000;

/** One expected span: who makes it, its name, and the spans expected under it. */
interface Expected {
  readonly service: string;
  readonly name: string | ((name: string) => boolean);
  readonly children?: readonly Expected[];
  /** The span's `span.kind` tag (`server`, `client`, `producer`, `consumer`), when it matters. */
  readonly kind?: string;
}

const step = (
  service: string,
  name: Expected['name'],
  children: Expected[] = [],
  kind?: string,
): Expected => ({
  service,
  name,
  children,
  ...(kind ? { kind } : {}),
});

const describeStep = (e: Expected) =>
  `${e.service}: ${typeof e.name === 'string' ? e.name : e.name.toString()}`;

const matches = (span: JaegerSpan, e: Expected) =>
  span.service === e.service &&
  (e.kind === undefined || tag(span, 'span.kind') === e.kind) &&
  (typeof e.name === 'string' ? span.operationName === e.name : e.name(span.operationName));

const render = (spans: readonly JaegerSpan[]) =>
  spans
    .map(
      (s) =>
        `  ${s.service} "${s.operationName}" ${s.spanID} parent=${parentOf(s)?.spanID ?? '-'} links=${linksOf(
          s,
        )
          .map((l) => l.spanID)
          .join(',')}`,
    )
    .join('\n');

/**
 * Walks `expected` from `root` down through `spans` (one trace), following
 * parent references only; returns every span found, by its step's name.
 * Throws naming the first step with no matching child.
 */
function walk(spans: readonly JaegerSpan[], root: JaegerSpan, expected: Expected): Map<string, JaegerSpan> {
  const found = new Map<string, JaegerSpan>();
  const visit = (span: JaegerSpan, e: Expected) => {
    found.set(span.operationName, span);
    for (const child of e.children ?? []) {
      const next = spans.find((s) => parentOf(s)?.spanID === span.spanID && matches(s, child));
      if (!next) {
        throw new Error(
          `no child "${describeStep(child)}" under ${span.service} "${span.operationName}" (${span.spanID}); the trace has:\n${render(spans)}`,
        );
      }
      visit(next, child);
    }
  };
  visit(root, expected);
  return found;
}

describe('one trace per input, from the MQ put or HTTP request to the SSE push (real Jaeger)', () => {
  const kafka = new KafkaTestContext('trace-e2e');
  const registry = createSchemaRegistryClient(registryConfigFromEnv());
  const { brokers, registryUrl } = stackEndpoints();
  const applicationId = uniqueName('trace-aggregator');
  const topics = {
    items: uniqueName('items'),
    itemInventory: uniqueName('item.inventory'),
    storeInventory: uniqueName('store.inventory'),
    storeSales: uniqueName('store.sales.1m'),
    alerts: uniqueName('inventory.alerts'),
  };
  const repartition = `${applicationId}-items-by-sku-repartition`;
  let jaeger: Jaeger;
  const apps: AppProcess[] = [];
  let simulator: AppProcess;
  const aggregators: AppProcess[] = [];
  let bridge: AppProcess;
  let dashboard: AppProcess;
  let sse: AbortController | undefined;
  let sseText = '';

  const outputs = () => apps.map((a) => `--- ${a.name} ---\n${a.output().slice(-4000)}`).join('\n');

  beforeAll(async () => {
    jaeger = await Jaeger.start();
    const admin = await kafka.connectedAdmin();
    const dashboardRetry = RetryTopology.of('inventory-dashboard', [200, 400]);
    const dashboardInputs = [topics.storeInventory, topics.itemInventory, topics.storeSales];
    const compacted = new Set([topics.storeInventory, topics.itemInventory]);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        topics.items,
        `${topics.items}.dlq`,
        ...dashboardInputs,
        ...dashboardInputs.flatMap((t) => [
          dashboardRetry.deadLetterTopic(t),
          ...dashboardRetry.retryTopics(t),
        ]),
        topics.alerts,
      ].map((topic) => ({
        topic,
        numPartitions: 2,
        replicationFactor: 1,
        configEntries: compacted.has(topic) ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      })),
    });
    for (const [topic, schema] of [
      [topics.items, inventorySchemas.ItemTransaction],
      [topics.itemInventory, inventorySchemas.ItemInventory],
      [topics.storeInventory, inventorySchemas.StoreInventory],
      [topics.storeSales, inventorySchemas.StoreSalesWindow],
      [topics.alerts, inventorySchemas.InventoryAlert],
    ] as const) {
      await registry.register(`${topic}-value`, JSON.stringify(schema));
    }
    const common = {
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpUrl,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      ITEMS_TOPIC: topics.items,
      STORE_INVENTORY_TOPIC: topics.storeInventory,
      ITEM_INVENTORY_TOPIC: topics.itemInventory,
      STORE_SALES_TOPIC: topics.storeSales,
    };
    // Started one after another: four Node processes compiling at once on 2 cores take longer than in turn.
    // Two aggregator instances: an interactive query for a key the other one owns is forwarded (fetch).
    const aggregatorEnv = (port: number) => ({
      ...common,
      APPLICATION_ID: applicationId,
      APPLICATION_SERVER: `127.0.0.1:${port}`,
      DEAD_LETTER_TOPIC: `${topics.items}.dlq`,
      COMMIT_INTERVAL_MS: '300',
    });
    aggregators.push(await startApp('inventory-aggregator', 'src/main.ts', aggregatorEnv));
    aggregators.push(await startApp('inventory-aggregator', 'src/main.ts', aggregatorEnv));
    apps.push(...aggregators);
    // Both RUNNING again after the second one joined (readiness is RUNNING).
    for (const a of aggregators)
      await waitFor(
        `${a.url} ready after the rebalance`,
        async () => ((await fetch(`${a.url}/health/ready`)).ok ? true : undefined),
        120_000,
        250,
      );
    dashboard = await startApp('inventory-dashboard', 'src/main.ts', {
      ...common,
      ALERTS_TOPIC: topics.alerts,
      ALERTS_GROUP_ID: uniqueName('trace-alerting'),
      // A throw-away alerting application id: its changelog is no KafkaTopic, so the dashboard creates it.
      ALERTS_INTERNAL_TOPICS_CREATE: 'true',
      ALERTS_SESSION_TIMEOUT_MS: '6000',
      RETRY_BACKOFF_MS: '200,400',
    });
    apps.push(dashboard);
    bridge = await startApp(
      'mq-bridge',
      'src/testing/bridge-on-fake-mq.process.ts',
      { ...common, ...FAKE_MQ_ENV },
      { ipc: true },
    );
    apps.push(bridge);
    simulator = await startApp('store-simulator', 'src/main.ts', common);
    apps.push(simulator);

    // A page open on the dashboard: pushes happen only to open streams.
    sse = new AbortController();
    const response = await fetch(`${dashboard.url}/api/events`, { signal: sse.signal });
    const reader = response.body?.getReader();
    void (async () => {
      for (;;) {
        const chunk = await reader?.read().catch(() => undefined);
        if (!chunk || chunk.done) return;
        sseText += Buffer.from(chunk.value).toString('utf8');
      }
    })();
    await waitFor('the page snapshot', () => sseText.includes('snapshot') || undefined, 10_000, 50);
  }, 420_000);

  afterAll(async () => {
    sse?.abort();
    await Promise.all(apps.map((a) => a.stop()));
    await jaeger?.stop();
    const admin = await kafka.connectedAdmin();
    const mine = (await admin.listTopics()).filter(
      (t) =>
        Object.values(topics).some((p) => t.startsWith(p)) ||
        t.startsWith(applicationId) ||
        t.includes(`.${topics.items}`),
    );
    await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    await kafka.close();
  }, 120_000);

  /** Polls until `find` returns a value (Jaeger receives spans in batches). */
  const eventually = <T>(what: string, find: () => Promise<T | undefined>): Promise<T> =>
    waitFor(
      what,
      async () => {
        try {
          return await find();
        } catch (err) {
          lastError = (err as Error).message;
          return undefined;
        }
      },
      WALK_TIMEOUT_MS,
      500,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${lastError}\n${outputs()}`);
    });
  let lastError = '';

  /** Walks `expected` from the root span (found by `isRoot`) of trace `traceId`. */
  const walkTrace = (traceId: string, expected: Expected) =>
    eventually(`trace ${traceId}: ${describeStep(expected)} and below`, async () => {
      const spans = await jaeger.trace(traceId);
      if (!spans) throw new Error(`Jaeger has no span of trace ${traceId} yet`);
      const root = spans.find((s) => matches(s, expected));
      if (!root) throw new Error(`no "${describeStep(expected)}" in trace ${traceId}:\n${render(spans)}`);
      return walk(spans, root, expected);
    });

  /** Finds the span named `operation` of `service` that links to `target`, then walks `expected` from it. */
  const walkFromLink = (target: JaegerSpan, expected: Expected & { name: string }) =>
    eventually(`a "${expected.name}" span linked to ${target.operationName} ${target.spanID}`, async () => {
      const spans = await jaeger.search(expected.service, expected.name);
      const linking = spans.find(
        (s) => s.operationName === expected.name && linksOf(s).some((l) => l.spanID === target.spanID),
      );
      if (!linking) {
        throw new Error(
          `none of ${spans.filter((s) => s.operationName === expected.name).length} "${expected.name}" spans links to ${target.spanID}`,
        );
      }
      const trace = (await jaeger.trace(linking.traceID)) ?? [];
      return walk(trace, linking, expected);
    });

  /** What every input shares from the aggregator's `process <items>` span on: the two aggregates, to the page. */
  const expectAggregatesToThePage = async (found: Map<string, JaegerSpan>) => {
    const processItems = found.get(`process ${topics.items}`) as JaegerSpan;
    const processRepartition = found.get(`process ${repartition}`) as JaegerSpan;
    const store = await walkFromLink(processItems, {
      ...step('inventory-aggregator', 'aggregate store-stock', [
        step('inventory-aggregator', `send ${topics.storeInventory}`, [
          step('inventory-dashboard', `process ${topics.storeInventory}`, [
            step('inventory-dashboard', 'sse push store'),
          ]),
        ]),
      ]),
      name: 'aggregate store-stock',
    });
    const item = await walkFromLink(processRepartition, {
      ...step('inventory-aggregator', 'aggregate item-stock', [
        step('inventory-aggregator', `send ${topics.itemInventory}`, [
          step('inventory-dashboard', `process ${topics.itemInventory}`, [
            step('inventory-dashboard', 'sse push item'),
          ]),
        ]),
      ]),
      name: 'aggregate item-stock',
    });
    const push = store.get('sse push store') as JaegerSpan;
    expect(tag(push, 'sse.event.type')).toBe('store');
    expect(item.get('sse push item')).toBeDefined();
    const dashboardProcess = store.get(`process ${topics.storeInventory}`) as JaegerSpan;
    expect(tag(dashboardProcess, 'messaging.system')).toBe('kafka');
    expect(tag(dashboardProcess, 'messaging.destination.name')).toBe(topics.storeInventory);
    expect(tag(dashboardProcess, 'messaging.operation.type')).toBe('process');
  };

  const aggregatorHops = () =>
    step('inventory-aggregator', `process ${topics.items}`, [
      step('inventory-aggregator', `send ${repartition}`, [
        step('inventory-aggregator', `process ${repartition}`),
      ]),
    ]);

  it('an MQ message: from the MQ put, through the bridge and both aggregates, to the SSE push', async () => {
    const put = newIds();
    await jaeger.exportSpan({
      service: 'trace-e2e-mq-app',
      name: `send ${FAKE_MQ_ENV.MQ_QUEUE}`,
      kind: 'PRODUCER',
      ...put,
      attributes: { 'messaging.system': 'ibmmq', 'messaging.destination.name': FAKE_MQ_ENV.MQ_QUEUE },
    });
    const storeId = uniqueName('trace-mq-store');
    const tx = {
      id: randomUUID(),
      storeId,
      sku: 'SKU-TRACE-MQ',
      type: 'RESTOCK',
      quantity: 3,
      unitPrice: 250,
      currency: 'USD',
      timestamp: Date.now(),
    };
    await putOnBridgeQueue(bridge, FAKE_MQ_ENV.MQ_QUEUE, [
      { body: JSON.stringify(tx), properties: { traceparent: `00-${put.traceId}-${put.spanId}-01` } },
    ]);

    const found = await walkTrace(
      put.traceId,
      step('trace-e2e-mq-app', `send ${FAKE_MQ_ENV.MQ_QUEUE}`, [
        step('mq-bridge', `send ${topics.items}`, [aggregatorHops()]),
      ]),
    );
    const bridgeSend = found.get(`send ${topics.items}`) as JaegerSpan;
    expect(tag(bridgeSend, 'messaging.system')).toBe('kafka');
    expect(tag(bridgeSend, 'messaging.destination.name')).toBe(topics.items);
    expect(tag(bridgeSend, 'messaging.operation.type')).toBe('send');
    expect(tag(bridgeSend, 'messaging.kafka.message.key')).toBe(storeId);
    await expectAggregatesToThePage(found);
    expect(sseText).toContain(storeId);
    // The same sale as end-to-end latency figures: event time to queryable, and to the page.
    const metric = async (app: AppProcess, name: string) => {
      const line = (await (await fetch(`${app.url}/metrics`)).text())
        .split('\n')
        .find((l) => l.startsWith(`${name} `));
      return Number(line?.split(' ')[1] ?? 0);
    };
    expect(
      await metric(apps[0] as AppProcess, 'aggregator_event_to_queryable_seconds_count'),
    ).toBeGreaterThanOrEqual(1);
    expect(await metric(dashboard, 'dashboard_event_to_page_seconds_count')).toBeGreaterThanOrEqual(1);
  }, 240_000);

  it('an HTTP simulation: from the request, through the linked batch and both aggregates, to the SSE push', async () => {
    const client = newIds();
    await jaeger.exportSpan({
      service: 'trace-e2e-http-client',
      name: 'POST /api/simulations',
      kind: 'CLIENT',
      ...client,
      attributes: { 'http.request.method': 'POST', 'url.full': `${simulator.url}/api/simulations` },
    });
    const response = await fetch(`${simulator.url}/api/simulations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${client.traceId}-${client.spanId}-01`,
      },
      body: JSON.stringify({ count: 1, stores: 1, skus: 1, seed: 17, backend: 'kafka' }),
    });
    expect(response.status).toBe(202);

    const request = await walkTrace(
      client.traceId,
      step('trace-e2e-http-client', 'POST /api/simulations', [
        step('store-simulator', (name) => name.startsWith('POST')),
      ]),
    );
    const server = [...request.values()].find((s) => s.service === 'store-simulator') as JaegerSpan;
    expect(tag(server, 'span.kind')).toBe('server');
    const batch = await walkFromLink(server, {
      ...step('store-simulator', 'simulation.batch', [
        step('store-simulator', `send ${topics.items}`, [aggregatorHops()]),
      ]),
      name: 'simulation.batch',
    });
    await expectAggregatesToThePage(batch);
  }, 240_000);

  it('an interactive query forwarded to the instance that owns the key stays one trace (fetch is traced)', async () => {
    // Asked of both instances: the one that does not own the key forwards it.
    const storeId = uniqueName('trace-iq-store');
    const asked = [];
    for (const a of aggregators) {
      const client = newIds();
      await jaeger.exportSpan({
        service: 'trace-e2e-http-client',
        name: 'GET /api/stores/:storeId/inventory',
        kind: 'CLIENT',
        ...client,
        attributes: { 'http.request.method': 'GET' },
      });
      const response = await fetch(`${a.url}/api/stores/${storeId}/inventory`, {
        headers: { traceparent: `00-${client.traceId}-${client.spanId}-01` },
      });
      asked.push({ client, status: response.status });
    }
    expect(asked.map((a) => a.status)).toEqual([404, 404]);
    const get = (name: string) => name.startsWith('GET');
    // The non-owner: SERVER, then the forwarding fetch (CLIENT, undici), then the owner's SERVER span.
    const forwarded = step('trace-e2e-http-client', 'GET /api/stores/:storeId/inventory', [
      step(
        'inventory-aggregator',
        get,
        [step('inventory-aggregator', get, [step('inventory-aggregator', get, [], 'server')], 'client')],
        'server',
      ),
    ]);
    await Promise.any(asked.map(({ client }) => walkTrace(client.traceId, forwarded))).catch(
      (err: AggregateError) => {
        throw err.errors[0] as Error;
      },
    );
  }, 240_000);
});
