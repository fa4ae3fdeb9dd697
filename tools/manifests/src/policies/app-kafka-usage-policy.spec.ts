import { deployment, goodContainer, kafkaTopic, setOf } from '../testing/fixtures';
import { resolve } from 'node:path';
import { repositoryAccessOf } from '../access/app-access';
import { declaringApps } from '../access/declarations';
import { checkAppKafkaUsage } from './app-kafka-usage-policy';
import { PrincipalAccess } from './kafka-access-policy';

const principal = (name: string, access: Partial<PrincipalAccess>): PrincipalAccess => ({
  name,
  consumes: [],
  produces: [],
  purges: [],
  describeConfigs: [],
  groups: [],
  transactionalIds: [],
  ...access,
});

const internal = [
  'inventory-aggregator-item-stock-changelog',
  'inventory-aggregator-items-by-sku-repartition',
  'inventory-aggregator-store-sales-changelog',
  'inventory-aggregator-store-stock-changelog',
  'inventory-aggregator-transaction-ids-changelog',
];
const aggregator = principal('inventory-aggregator', {
  consumes: ['items', ...internal],
  produces: ['item.inventory', 'store.inventory', 'store.sales.1m', 'items.dlq', ...internal],
  purges: ['inventory-aggregator-items-by-sku-repartition'],
  describeConfigs: internal,
  groups: ['inventory-aggregator'],
  transactionalIds: ['inventory-aggregator-*'],
});

const retryTopics = ['item.inventory', 'store.inventory', 'store.sales.1m'].flatMap((t) => [
  `inventory-dashboard.${t}.retry.1`,
  `inventory-dashboard.${t}.retry.2`,
]);
/** The dashboard's alerting topology (libs/streams, application id ALERTS_GROUP_ID): its changelog. */
const alertingChangelog = (applicationId = 'inventory-dashboard-alerting') =>
  `${applicationId}-alert-levels-changelog`;
const dashboardOf = (alertingId = 'inventory-dashboard-alerting') =>
  principal('inventory-dashboard', {
    consumes: [
      'item.inventory',
      'store.inventory',
      'store.sales.1m',
      'inventory.alerts',
      ...retryTopics,
      alertingChangelog(alertingId),
    ],
    produces: [
      'inventory.alerts',
      'item.inventory.dlq',
      'store.inventory.dlq',
      'store.sales.1m.dlq',
      ...retryTopics,
      alertingChangelog(alertingId),
    ],
    describeConfigs: [alertingChangelog(alertingId)],
    groups: ['inventory-dashboard-*'],
    transactionalIds: [`${alertingId}-*`],
  });
const dashboard = dashboardOf();

const bridge = principal('mq-bridge', { produces: ['items'] });

const topics = [
  'items',
  'items.dlq',
  'item.inventory',
  'store.inventory',
  'store.sales.1m',
  'inventory.alerts',
  'item.inventory.dlq',
  'store.inventory.dlq',
  'store.sales.1m.dlq',
  ...retryTopics,
  ...internal,
  alertingChangelog(),
  alertingChangelog('inventory-dashboard-alerts-eu'),
  alertingChangelog('alerting'),
].map(kafkaTopic);

/** A workload of `app` authenticating as `user`, with plain env vars. */
const workload = (app: string, env: Record<string, string>, user = app) =>
  deployment(
    goodContainer({
      env: [
        { name: 'KAFKA_SASL_USERNAME', value: user },
        { name: 'KAFKA_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: user, key: 'password' } } },
        ...Object.entries(env).map(([name, value]) => ({ name, value })),
      ],
    }),
    app,
  );

const root = resolve(__dirname, '..', '..', '..', '..');
/** The apps' own declarations (apps/<app>/src/config/kafka-access.ts), as validate:manifests runs them. */
const accessOf = repositoryAccessOf(root);

const check = (declared: PrincipalAccess[], ...workloads: ReturnType<typeof workload>[]) =>
  checkAppKafkaUsage({
    declared,
    sets: [setOf('fixture', [...workloads, ...topics], 'prod')],
    accessOf,
  }).map((v) => `${v.object} ${v.message}`);

const aggregatorEnv = { INTERNAL_TOPICS_CREATE: 'false' };

describe('app Kafka usage policy', () => {
  it('accepts apps whose configuration uses exactly what their principals declare', () => {
    expect(
      check(
        [aggregator, dashboard, bridge],
        workload('inventory-aggregator', aggregatorEnv),
        workload('inventory-dashboard', {}),
        workload('mq-bridge', { ITEMS_TOPIC: 'items' }),
      ),
    ).toEqual([]);
  });

  it('fails on a grant the app never uses (the DLQ, when undecodable input is skipped)', () => {
    const skipping = { ...aggregatorEnv, DESERIALIZATION_ERRORS: 'continue' };
    expect(check([aggregator], workload('inventory-aggregator', skipping))).toEqual([
      expect.stringMatching(
        /Deployment eda\/inventory-aggregator \(principal inventory-aggregator\) is granted produces \[items\.dlq\] .* never uses/,
      ),
    ]);
  });

  it('derives the aggregator DLQ from DEAD_LETTER_TOPIC (dead-letter is the code default)', () => {
    const messages = check(
      [aggregator],
      workload('inventory-aggregator', { ...aggregatorEnv, DEAD_LETTER_TOPIC: 'items.dead' }),
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/uses produces \[items\.dead\], which .*access\.yaml does not grant it/),
        expect.stringMatching(/is granted produces \[items\.dlq\] .* never uses/),
        expect.stringMatching(
          /DEAD_LETTER_TOPIC names topic "items\.dead", which no KafkaTopic of prod declares/,
        ),
      ]),
    );
  });

  it('fails when the chart points an app at a topic its principal may not use, and that is not declared', () => {
    const messages = check([bridge], workload('mq-bridge', { ITEMS_TOPIC: 'items.v2' }));
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/uses produces \[items\.v2\], which .*access\.yaml does not grant it/),
        expect.stringMatching(/is granted produces \[items\] .* never uses/),
        expect.stringMatching(/ITEMS_TOPIC names topic "items\.v2", which no KafkaTopic of prod declares/),
      ]),
    );
  });

  it('derives the retry topics from RETRY_BACKOFF_MS: one level fewer leaves grants unused', () => {
    const [message] = check([dashboard], workload('inventory-dashboard', { RETRY_BACKOFF_MS: '1000' }));
    expect(message).toMatch(/is granted consumes \[inventory-dashboard\.item\.inventory\.retry\.2, /);
  });

  it('derives the group and retry prefix from DASHBOARD_APPLICATION_ID', () => {
    const messages = check(
      [dashboard],
      workload('inventory-dashboard', { DASHBOARD_APPLICATION_ID: 'dash' }),
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        // The alerting group's default is no longer under the prefix: it needs a grant of its own.
        expect.stringMatching(/uses groups \[dash-\*, inventory-dashboard-alerting\]/),
        expect.stringMatching(
          /uses topic "dash\.item\.inventory\.retry\.1", which no KafkaTopic of prod declares/,
        ),
      ]),
    );
  });

  it('needs no group grant for the alerting application id under the prefix, and a literal one outside it', () => {
    const eu = 'inventory-dashboard-alerts-eu';
    expect(check([dashboardOf(eu)], workload('inventory-dashboard', { ALERTS_GROUP_ID: eu }))).toEqual([]);
    // Its changelog and transactional ids follow the application id.
    expect(check([dashboard], workload('inventory-dashboard', { ALERTS_GROUP_ID: eu }))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /uses transactionalIds \[inventory-dashboard-alerts-eu-\*\], which .* does not grant it/,
        ),
      ]),
    );
    const outside = workload('inventory-dashboard', { ALERTS_GROUP_ID: 'alerting' });
    expect(check([dashboardOf('alerting')], outside)).toEqual([
      expect.stringMatching(
        /\(principal inventory-dashboard\) uses groups \[alerting\], which .* does not grant it/,
      ),
    ]);
    const granted = dashboardOf('alerting');
    expect(check([{ ...granted, groups: [...granted.groups, 'alerting'] }], outside)).toEqual([]);
  });

  it('fails when the dashboard would create its alerting changelog (ALERTS_INTERNAL_TOPICS_CREATE=true)', () => {
    expect(
      check([dashboard], workload('inventory-dashboard', { ALERTS_INTERNAL_TOPICS_CREATE: 'true' })),
    ).toEqual([
      expect.stringMatching(/would create topics \[inventory-dashboard-alerting-alert-levels-changelog\]/),
    ]);
  });

  it('fails when the aggregator would create its internal topics (the code default)', () => {
    expect(check([aggregator], workload('inventory-aggregator', {}))).toEqual([
      expect.stringMatching(
        /would create topics \[inventory-aggregator-item-stock-changelog, .*\] .*INTERNAL_TOPICS_CREATE=false/,
      ),
    ]);
  });

  it('has no transactional ids without exactly-once, so a declared prefix is unused', () => {
    const [message] = check(
      [aggregator],
      workload('inventory-aggregator', { ...aggregatorEnv, PROCESSING_GUARANTEE: 'at_least_once' }),
    );
    expect(message).toMatch(/is granted transactionalIds \[inventory-aggregator-\*\]/);
  });

  it('fails when the rendered env is one the app refuses, and when an app declares nothing', () => {
    const messages = check(
      [bridge, principal('kafka-ui', {})],
      workload('mq-bridge', { ITEMS_TOPIC: 'items v2' }),
      workload('kafka-ui', {}),
    );
    expect(messages).toEqual([
      expect.stringMatching(/ITEMS_TOPIC names topic "items v2", which no KafkaTopic of prod declares/),
      expect.stringMatching(
        /mq-bridge cannot derive its Kafka access from the rendered env: ITEMS_TOPIC is not a valid Kafka topic name/,
      ),
      expect.stringMatching(/kafka-ui app "kafka-ui" declares no Kafka access/),
    ]);
  });

  it("fails when a workload authenticates as another app's principal", () => {
    expect(check([bridge], workload('store-simulator', {}, 'mq-bridge'))).toEqual([
      expect.stringMatching(
        /authenticates as "mq-bridge", but its declaration is for principal "store-simulator"/,
      ),
    ]);
  });

  it('has a declaration for every app', () => {
    expect(declaringApps(root)).toEqual([
      'inventory-aggregator',
      'inventory-dashboard',
      'mq-bridge',
      'store-simulator',
    ]);
  });
});
