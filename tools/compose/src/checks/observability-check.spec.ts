import { loadComposeContext, withFile } from '../compose-context';
import { COLLECTOR_FILE, DASHBOARD_FILES, DATASOURCES_FILE, observabilityCheck } from './observability-check';

describe('observability-config check', () => {
  const ctx = loadComposeContext();
  const dashboardFile = DASHBOARD_FILES[0] as string;

  it('passes on compose/grafana and compose/otel-collector', () => {
    expect(observabilityCheck.run(ctx)).toEqual([]);
  });

  it('fails when a dashboard queries a datasource that is not provisioned', () => {
    const datasources = ctx.readText(DATASOURCES_FILE).replace('uid: jaeger', 'uid: tempo');
    expect(observabilityCheck.run(withFile(ctx, DATASOURCES_FILE, datasources))).toEqual([
      `${dashboardFile}: datasource uid 'jaeger' is not provisioned in ${DATASOURCES_FILE}`,
    ]);
  });

  it('fails on a dashboard without a stable uid', () => {
    const dashboard = JSON.parse(ctx.readText(dashboardFile)) as Record<string, unknown>;
    delete dashboard['uid'];
    expect(observabilityCheck.run(withFile(ctx, dashboardFile, JSON.stringify(dashboard)))).toEqual([
      expect.stringContaining('no uid'),
    ]);
  });

  it('fails when a collector pipeline names an exporter that is not configured', () => {
    const config = ctx
      .readText(COLLECTOR_FILE)
      .replace('exporters: [otlp/jaeger]', 'exporters: [otlp/tempo]');
    expect(observabilityCheck.run(withFile(ctx, COLLECTOR_FILE, config))).toEqual([
      `${COLLECTOR_FILE}: pipeline traces uses exporter otlp/tempo, not configured`,
    ]);
  });
});
