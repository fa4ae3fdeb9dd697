/**
 * The system under load: the three apps as child processes, started the way
 * `./dev start` (tools/stack/demo.ts) and their Nx `serve` targets start them
 * (`main.ts` through @swc-node/register, LOG_LEVEL=warn), on topics of the
 * run's own. Fresh topics make every run start from empty state, so no run
 * replays the last one's records, and a test run never meets other tests'
 * traffic. Partition counts and cleanup policies are those of the KafkaTopic
 * files in gitops/ (items: 6 partitions, and so on).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createSchemaRegistryClient, inventorySchemas, registryConfigFromEnv } from '@eda/events';
import { RetryTopology } from '@eda/kafka';
import { uniqueName, waitFor, type StackEndpoints } from '@eda/testing';
import { inspectorUrl } from './heap-probe';

/** The public topics of one run. */
export interface RunTopics {
  readonly items: string;
  readonly itemInventory: string;
  readonly storeInventory: string;
  readonly storeSales: string;
  readonly alerts: string;
}

/** One app process. */
export interface AppProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Its last 30,000 characters of output. */
  output(): string;
  /** Its inspector's WebSocket URL (read from its first output). */
  readonly inspectorUrl: string | undefined;
  /** SIGTERM, then resolves once it exited (SIGKILL after 20 s). */
  stop(): Promise<void>;
}

/** Where the apps listen. */
export interface AppPorts {
  readonly simulator: number;
  readonly aggregator: number;
  readonly dashboard: number;
}

/** How the pipeline is set up. */
export interface PipelineOptions {
  readonly stack: StackEndpoints;
  readonly ports: AppPorts;
  /**
   * The checkout the apps run from: this workspace, or an export of a commit
   * (`git archive`) with a `node_modules` link, so that a measurement is not
   * of someone's half-finished edit in a shared working tree.
   */
  readonly appsRoot: string;
  /** Extra environment for the aggregator (e.g. DEDUPE_WINDOW_MS); empty: the app's defaults. */
  readonly aggregatorEnv: Record<string, string>;
}

/** Partitions and cleanup policy per topic kind, as in gitops/platform/kafka-cluster/kafkatopics. */
const GITOPS_LAYOUT = {
  items: { partitions: 6, compact: false },
  itemInventory: { partitions: 6, compact: true },
  storeInventory: { partitions: 6, compact: true },
  storeSales: { partitions: 6, compact: false },
  alerts: { partitions: 3, compact: false },
} as const;

/** The dashboard's retry levels (its default RETRY_BACKOFF_MS). */
const DASHBOARD_RETRY = RetryTopology.of('inventory-dashboard', [1000, 10000]);

/** Topics, subjects and app processes of one load run. */
export class PipelineUnderLoad {
  readonly runId = uniqueName('load');
  readonly topics: RunTopics = {
    items: `${this.runId}.items`,
    itemInventory: `${this.runId}.item.inventory`,
    storeInventory: `${this.runId}.store.inventory`,
    storeSales: `${this.runId}.store.sales.1m`,
    alerts: `${this.runId}.inventory.alerts`,
  };
  readonly applicationId = `${this.runId}-aggregator`;
  readonly alertsGroupId = `${this.runId}-alerting`;
  readonly apps: AppProcess[] = [];
  readonly kafka: Kafka;
  private readonly admin: Admin;

  constructor(private readonly options: PipelineOptions) {
    process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
    this.kafka = new Kafka({
      clientId: this.runId,
      brokers: options.stack.brokers,
      logLevel: logLevel.NOTHING,
    });
    this.admin = this.kafka.admin();
  }

  get simulator(): AppProcess {
    return this.app('store-simulator');
  }
  get aggregator(): AppProcess {
    return this.app('inventory-aggregator');
  }
  get dashboard(): AppProcess {
    return this.app('inventory-dashboard');
  }

  /** Creates the run's topics and registers its subjects (TopicNameStrategy), as `./dev start` does for the defaults. */
  async provision(): Promise<void> {
    await this.admin.connect();
    const t = this.topics;
    const dashboardInputs = [t.storeInventory, t.itemInventory, t.storeSales];
    const specs = [
      ...(Object.keys(GITOPS_LAYOUT) as (keyof RunTopics)[]).map((kind) => ({
        topic: t[kind],
        ...GITOPS_LAYOUT[kind],
      })),
      { topic: `${t.items}.dlq`, partitions: 1, compact: false },
      // The dashboard's alerting topology (a libs/streams app, application.id = ALERTS_GROUP_ID) keeps
      // its alert levels in this changelog and does not create it (gitops declares it).
      { topic: `${this.alertsGroupId}-alert-levels-changelog`, partitions: 6, compact: true },
      ...dashboardInputs.flatMap((input) => [
        { topic: DASHBOARD_RETRY.deadLetterTopic(input), partitions: 1, compact: false },
        ...DASHBOARD_RETRY.retryTopics(input).map((topic) => ({ topic, partitions: 6, compact: false })),
      ]),
    ];
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: specs.map(({ topic, partitions, compact }) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: 1,
        configEntries: compact ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      })),
    });
    const registry = createSchemaRegistryClient(
      registryConfigFromEnv({ ...process.env, SCHEMA_REGISTRY_URL: this.options.stack.registryUrl }),
    );
    for (const [topic, schema] of [
      [t.items, inventorySchemas.ItemTransaction],
      [t.itemInventory, inventorySchemas.ItemInventory],
      [t.storeInventory, inventorySchemas.StoreInventory],
      [t.storeSales, inventorySchemas.StoreSalesWindow],
      [t.alerts, inventorySchemas.InventoryAlert],
    ] as const) {
      await registry.register(`${topic}-value`, JSON.stringify(schema));
    }
  }

  /** Starts aggregator, dashboard and simulator in turn (three compiles at once on 2 cores are slower than in turn). */
  async start(): Promise<void> {
    const { stack, ports } = this.options;
    const t = this.topics;
    const common = {
      KAFKA_BROKERS: stack.brokers.join(','),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      ITEMS_TOPIC: t.items,
      STORE_INVENTORY_TOPIC: t.storeInventory,
      ITEM_INVENTORY_TOPIC: t.itemInventory,
      STORE_SALES_TOPIC: t.storeSales,
    };
    this.apps.push(
      await startApp(this.options.appsRoot, 'inventory-aggregator', ports.aggregator, {
        ...common,
        APPLICATION_ID: this.applicationId,
        APPLICATION_SERVER: `127.0.0.1:${ports.aggregator}`,
        DEAD_LETTER_TOPIC: `${t.items}.dlq`,
        ...this.options.aggregatorEnv,
      }),
    );
    this.apps.push(
      await startApp(this.options.appsRoot, 'inventory-dashboard', ports.dashboard, {
        ...common,
        ALERTS_TOPIC: t.alerts,
        ALERTS_GROUP_ID: this.alertsGroupId,
      }),
    );
    this.apps.push(await startApp(this.options.appsRoot, 'store-simulator', ports.simulator, common));
  }

  /** Stops the apps (SIGTERM), then deletes the run's topics and subjects unless `keep`. */
  async close(keep = false): Promise<void> {
    await Promise.all(this.apps.map((a) => a.stop()));
    if (!keep) {
      const mine = (await this.admin.listTopics().catch(() => [] as string[])).filter(
        (topic) => topic.startsWith(this.runId) || topic.includes(`.${this.runId}.`),
      );
      if (mine.length > 0) await this.admin.deleteTopics({ topics: mine }).catch(() => undefined);
      for (const topic of Object.values(this.topics)) {
        const subject = `${this.options.stack.registryUrl}/subjects/${encodeURIComponent(`${topic}-value`)}`;
        await fetch(subject, { method: 'DELETE' }).catch(() => undefined);
        await fetch(`${subject}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
      }
    }
    await this.admin.disconnect().catch(() => undefined);
  }

  private app(name: string): AppProcess {
    const app = this.apps.find((a) => a.name === name);
    if (!app) throw new Error(`${name} is not running`);
    return app;
  }
}

/** Starts `apps/<app>/src/main.ts` on `port`; resolves once `/health/ready` answers 200. */
async function startApp(
  root: string,
  app: string,
  port: number,
  env: Record<string, string>,
): Promise<AppProcess> {
  const appRoot = join(root, 'apps', app);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(appRoot, 'src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(appRoot, 'tsconfig.json'),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // An inspector on a free port, for the heap probe's full collections (heap-probe.ts).
      NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --inspect=127.0.0.1:0`.trim(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-30_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  let inspector: string | undefined;
  child.stderr?.on('data', () => (inspector ??= inspectorUrl(output)));
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: AppProcess = {
    name: app,
    url,
    child,
    output: () => output,
    get inspectorUrl() {
      return inspector;
    },
    stop: async () => {
      const gone = exited();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await gone;
      clearTimeout(timer);
    },
  };
  await waitFor(
    `${app} ready on ${url}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}`);
      const status = await fetch(`${url}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      return status === 200 || undefined;
    },
    180_000,
    250,
  ).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n--- ${app} output ---\n${output}`);
  });
  return proc;
}
