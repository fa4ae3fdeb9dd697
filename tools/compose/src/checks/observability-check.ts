/**
 * The observability configs hold together: every datasource a Grafana dashboard
 * queries is provisioned, and every receiver, processor and exporter that an
 * OpenTelemetry Collector pipeline names is configured (the collector refuses
 * to start otherwise, which compose would only show in its log).
 */
import { parse } from 'yaml';
import type { ComposeContext } from '../compose-context';
import type { ComposeCheck } from './compose-check';

export const DATASOURCES_FILE = 'compose/grafana/provisioning/datasources/datasources.yaml';
export const DASHBOARD_FILES = [
  'compose/grafana/dashboards/eda-compose-overview.json',
  'compose/grafana/dashboards/eda-pipeline.json',
  'compose/grafana/dashboards/eda-streams.json',
  'compose/grafana/dashboards/eda-bridge.json',
];
export const COLLECTOR_FILE = 'compose/otel-collector/config.yaml';

/** Datasource uids a dashboard references (panels and their targets). */
export function dashboardDatasourceUids(dashboard: unknown): Set<string> {
  const uids = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      const ds = record['datasource'] as { uid?: unknown } | undefined;
      if (typeof ds?.uid === 'string' && !ds.uid.startsWith('$')) uids.add(ds.uid);
      Object.values(record).forEach(visit);
    }
  };
  visit(dashboard);
  return uids;
}

function grafanaProblems(ctx: ComposeContext): string[] {
  const provisioned = parse(ctx.readText(DATASOURCES_FILE)) as { datasources?: { uid?: string }[] };
  const uids = new Set((provisioned.datasources ?? []).map((d) => d.uid));
  const problems: string[] = [];
  for (const file of DASHBOARD_FILES) {
    const dashboard = JSON.parse(ctx.readText(file)) as { uid?: string; panels?: unknown[] };
    if (!dashboard.uid) problems.push(`${file}: no uid (Grafana would give it a new one at every start)`);
    if (!dashboard.panels?.length) problems.push(`${file}: no panels`);
    for (const uid of dashboardDatasourceUids(dashboard)) {
      if (!uids.has(uid))
        problems.push(`${file}: datasource uid '${uid}' is not provisioned in ${DATASOURCES_FILE}`);
    }
  }
  return problems;
}

interface CollectorConfig {
  receivers?: Record<string, unknown>;
  processors?: Record<string, unknown>;
  exporters?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
  service?: { extensions?: string[]; pipelines?: Record<string, Record<string, string[] | undefined>> };
}

function collectorProblems(ctx: ComposeContext): string[] {
  const config = parse(ctx.readText(COLLECTOR_FILE)) as CollectorConfig;
  const problems: string[] = [];
  const pipelines = Object.entries(config.service?.pipelines ?? {});
  if (pipelines.length === 0) problems.push(`${COLLECTOR_FILE}: no pipelines`);
  for (const [pipeline, stages] of pipelines) {
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      for (const component of stages[kind] ?? []) {
        if (!config[kind] || !(component in config[kind])) {
          problems.push(
            `${COLLECTOR_FILE}: pipeline ${pipeline} uses ${kind.slice(0, -1)} ${component}, not configured`,
          );
        }
      }
    }
  }
  for (const ext of config.service?.extensions ?? []) {
    if (!config.extensions || !(ext in config.extensions)) {
      problems.push(`${COLLECTOR_FILE}: service uses extension ${ext}, not configured`);
    }
  }
  return problems;
}

export const observabilityCheck: ComposeCheck = {
  name: 'observability-config',
  description: 'dashboards query provisioned datasources; collector pipelines name configured components',
  run: (ctx) => [...grafanaProblems(ctx), ...collectorProblems(ctx)],
};
