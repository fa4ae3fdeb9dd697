/**
 * No dashboard panel or alert rule reads a metric that nothing exports. Every
 * PromQL expression in the Grafana dashboards (compose and GitOps) and the
 * PrometheusRules is checked against:
 *
 * - what the apps' `/metrics` serve: each app's registry is built by its own
 *   metrics class, exactly as `/metrics` renders it;
 * - the recording rules the rule files define;
 * - named exporters, each with the names it exports that we use (kafka
 *   exporter, kube-state-metrics, cAdvisor, Apicurio), or, for the Strimzi
 *   Metrics Reporter, the allow-list the Kafka resource configures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { parse } from 'yaml';
import { AggregatorMetrics } from '../../../apps/inventory-aggregator/src/metrics/aggregator-metrics';
import { DashboardMetrics } from '../../../apps/inventory-dashboard/src/metrics/dashboard-metrics';
import { BridgeMetrics } from '../../../apps/mq-bridge/src/metrics/bridge-metrics';
import { SimulatorMetrics } from '../../../apps/store-simulator/src/metrics/simulator-metrics';
import { metricNames } from './promql-metrics';

const root = join(__dirname, '../../..');

const DASHBOARD_DIRS = ['compose/grafana/dashboards', 'gitops/platform/monitoring/base/dashboards'];
const RULE_DIRS = ['gitops/platform/monitoring/base/prometheusrules'];
const KAFKA_RESOURCE = 'gitops/platform/kafka-cluster/kafka/eda.yaml';

/** Exporters that are not our code, and the names of theirs that we query. */
const NAMED_EXPORTERS: Record<string, readonly string[]> = {
  // Prometheus itself: one sample per scrape target.
  prometheus: ['up'],
  // danielqsj/kafka_exporter: Strimzi's `kafkaExporter`, compose's `kafka-exporter` service.
  'kafka-exporter': [
    'kafka_brokers',
    'kafka_topic_partitions',
    'kafka_topic_partition_current_offset',
    'kafka_topic_partition_oldest_offset',
    'kafka_topic_partition_in_sync_replica',
    'kafka_topic_partition_under_replicated_partition',
    'kafka_consumergroup_lag',
    'kafka_consumergroup_current_offset',
  ],
  // kube-prometheus-stack's kube-state-metrics.
  'kube-state-metrics': [
    'kube_deployment_status_replicas_ready',
    'kube_deployment_spec_replicas',
    'kube_statefulset_status_replicas_ready',
    'kube_statefulset_replicas',
  ],
  // The kubelet's cAdvisor endpoint, scraped by kube-prometheus-stack.
  cadvisor: ['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes'],
  // Apicurio Registry 3 (Quarkus Micrometer) on its management port.
  apicurio: ['http_server_requests_seconds_count'],
};

/** The names a registry's `/metrics` page carries (histograms as their series). */
async function exportedBy(registry: Registry): Promise<string[]> {
  const names: string[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    names.push(name);
    if (type === 'histogram') names.push(`${name}_bucket`, `${name}_sum`, `${name}_count`);
    if (type === 'summary') names.push(`${name}_sum`, `${name}_count`);
  }
  return names;
}

/** Every `expr` in a dashboard (panels, rows, targets), with where it is. */
function dashboardExpressions(file: string): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  const visit = (node: unknown, title: string): void => {
    if (Array.isArray(node)) node.forEach((n) => visit(n, title));
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      const here = typeof record['title'] === 'string' ? record['title'] : title;
      if (typeof record['expr'] === 'string')
        out.push({ where: `${file} panel "${here}"`, expr: record['expr'] });
      for (const value of Object.values(record)) visit(value, here);
    }
  };
  visit(JSON.parse(readFileSync(join(root, file), 'utf8')), '');
  return out;
}

interface RuleFile {
  spec?: { groups?: Array<{ rules?: Array<{ alert?: string; record?: string; expr?: string }> }> };
}

function ruleFiles(): string[] {
  return RULE_DIRS.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `${dir}/${f}`),
  );
}

function rules(file: string) {
  const doc = parse(readFileSync(join(root, file), 'utf8')) as RuleFile;
  return (doc.spec?.groups ?? []).flatMap((g) => g.rules ?? []);
}

describe('every metric a dashboard or alert rule reads is exported', () => {
  let known: Map<string, string>;
  let reporterAllowList: RegExp[];
  const expressions: Array<{ where: string; expr: string }> = [];

  beforeAll(async () => {
    const streams = {
      state: 'RUNNING',
      metrics: () => ({}),
      droppedByReason: () => ({}),
      histograms: () => ({}),
      localTaskIds: () => [],
      taskLag: () => Promise.resolve([]),
      onStoreStockApplied: () => undefined,
    };
    const apps: Record<string, Registry> = {
      'inventory-aggregator': new AggregatorMetrics(streams as never).registry,
      'inventory-dashboard': new DashboardMetrics().registry,
      'mq-bridge': new BridgeMetrics().registry,
      'store-simulator': new SimulatorMetrics().registry,
    };
    known = new Map();
    for (const [app, registry] of Object.entries(apps))
      for (const name of await exportedBy(registry)) known.set(name, `${app} /metrics`);
    for (const [exporter, names] of Object.entries(NAMED_EXPORTERS))
      for (const name of names) known.set(name, exporter);
    for (const file of ruleFiles())
      for (const rule of rules(file)) if (rule.record) known.set(rule.record, `recording rule in ${file}`);
    const kafka = parse(readFileSync(join(root, KAFKA_RESOURCE), 'utf8')) as {
      spec: { kafka: { metricsConfig?: { values?: { allowList?: string[] } } } };
    };
    reporterAllowList = (kafka.spec.kafka.metricsConfig?.values?.allowList ?? []).map(
      (p) => new RegExp(`^${p}$`),
    );

    for (const dir of DASHBOARD_DIRS)
      for (const f of readdirSync(join(root, dir)).filter((f) => f.endsWith('.json')))
        expressions.push(...dashboardExpressions(`${dir}/${f}`));
    for (const file of ruleFiles())
      for (const rule of rules(file))
        if (rule.expr) expressions.push({ where: `${file} ${rule.alert ?? rule.record}`, expr: rule.expr });
  });

  it('finds the dashboards and rules (so an empty scan cannot pass)', () => {
    expect(expressions.length).toBeGreaterThan(50);
    expect(expressions.some((e) => e.where.includes('eda-streams.json'))).toBe(true);
    expect(expressions.some((e) => e.where.includes('pipeline.yaml'))).toBe(true);
    expect(reporterAllowList.length).toBeGreaterThan(0);
  });

  it('the apps export the metrics operators need (issue 17)', () => {
    for (const name of [
      'aggregator_streams_lag',
      'aggregator_streams_commit_duration_seconds_bucket',
      'aggregator_streams_commit_failures_total',
      'aggregator_streams_restore_duration_seconds_count',
      'aggregator_streams_restore_records_total',
      'aggregator_streams_records_dropped_total',
      'aggregator_streams_records_dead_lettered_total',
      'aggregator_streams_state',
      'aggregator_streams_task_running',
      'dashboard_consumer_lag',
      'dashboard_caught_up',
      'mq_bridge_messages_poison_total',
    ]) {
      expect([name, known.get(name)]).toEqual([name, expect.stringContaining('/metrics')]);
    }
  });

  it('no expression reads a metric that nothing exports', () => {
    const unknown: string[] = [];
    for (const { where, expr } of expressions) {
      for (const name of metricNames(expr)) {
        if (known.has(name) || reporterAllowList.some((re) => re.test(name))) continue;
        unknown.push(`${where}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
