/**
 * The real thing: renders every chart scenario and env overlay with the
 * pinned helm and kustomize, validates with kubeconform, applies the
 * policies. Needs the binaries from tools/manifests/install-tools.sh and
 * fails with that instruction when they are missing.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { validateSchemas } from './kubeconform';
import { renderedSet } from './manifest';
import { discoverCharts, discoverOverlays } from './render';
import { locateToolchain, runTool, Tool } from './toolchain';
import { ValidationReport, validateRepository } from './validate-repository';

jest.setTimeout(180_000);

const root = resolve(__dirname, '..', '..', '..');

describe('manifests of the repository', () => {
  let tools: Record<Tool, string>;
  let report: ValidationReport;

  beforeAll(() => {
    // Throws ToolchainMissingError: "... Run tools/manifests/install-tools.sh ..."
    tools = locateToolchain();
    report = validateRepository(root);
  });

  it('lints every chart and renders every ci/*-values.yaml scenario', () => {
    expect(report.renderErrors).toEqual([]);
    for (const chart of discoverCharts(root)) {
      expect(report.lintedCharts).toContain(chart.dir);
      for (const scenario of chart.scenarios) {
        expect(report.rendered.map((s) => s.source)).toContain(`${chart.dir} (${scenario})`);
      }
    }
  });

  it('builds every env overlay of gitops/ for dev, staging and prod', () => {
    const overlays = discoverOverlays(root);
    expect(new Set(overlays.map((o) => o.env))).toEqual(new Set(['dev', 'staging', 'prod']));
    for (const overlay of overlays) {
      const set = report.rendered.find((s) => s.source === overlay.dir);
      expect(set?.objects.length).toBeGreaterThan(0);
    }
  });

  it('has zero kubeconform errors and zero skipped kinds', () => {
    expect(report.schemas.findings).toEqual([]);
    expect(report.schemas.summary.valid).toBeGreaterThan(100);
  });

  it.each([
    'workload',
    'secrets',
    'kafka-access',
    'app-kafka-usage',
    'sync-waves',
    'versions',
    'env-diff',
    'ibm-mq',
    'applications',
    'registry',
    'schema-gate',
    'telemetry',
    'workflows',
  ])('passes the %s policy', (policy) => {
    expect(report.violations.filter((v) => v.policy === policy)).toEqual([]);
  });

  it('renders a KafkaUser per declared principal in every env', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const access = report.rendered.find(
        (s) => s.source === `gitops/platform/kafka-cluster/envs/${env}/access`,
      );
      expect(
        access?.objects
          .filter((o) => o.kind === 'KafkaUser')
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual([
        'apicurio-registry',
        'dlq-replayer',
        'inventory-aggregator',
        'inventory-dashboard',
        'mq-bridge',
        'store-simulator',
      ]);
    }
  });

  it('kubeconform -strict rejects a broken manifest (the schema check is live)', () => {
    const broken = renderedSet(
      'fixture',
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: x}',
        'spec:',
        '  replica: 2', // typo: strict mode must reject the unknown field
        '  selector: {matchLabels: {a: b}}',
        '  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: x, image: "x:1"}]}}',
        '---',
        'apiVersion: kafka.strimzi.io/v1',
        'kind: KafkaUser',
        'metadata: {name: y, labels: {strimzi.io/cluster: eda}}',
        'spec:',
        '  authentication: {type: scram-sha-512}',
        '  authorization: {type: simple, acls: [{resource: {type: topic, name: items}, operations: [Publish]}]}',
      ].join('\n'),
    );
    const result = validateSchemas(tools.kubeconform, root, [broken]);
    expect(result.findings.map((f) => `${f.kind} ${f.status}`).sort()).toEqual([
      'Deployment invalid',
      'KafkaUser invalid',
    ]);
  });

  it.each([
    [['--set', 'image.tag=latest'], /image\.tag|latest/],
    [['--set', 'securityContext.readOnlyRootFilesystem=false'], /readOnlyRootFilesystem/],
    [['--set', 'workload.kind=DaemonSet'], /workload\.kind/],
  ])('charts/store-simulator refuses %j', (args, message) => {
    const render = () =>
      runTool(tools.helm, ['template', 'store-simulator', 'charts/store-simulator', ...(args as string[])], {
        cwd: root,
      });
    expect(render).toThrow(message);
  });

  it.each([
    ['inventory-aggregator', ['--set', 'workload.kind=Deployment'], /workload\.kind/],
    ['inventory-aggregator', ['--set', 'autoscaling.enabled=true'], /autoscaling\.enabled/],
    ['inventory-dashboard', ['--set', 'ingress.enabled=true'], /ingress\/host/],
    ['mq-bridge', ['--set', 'mq.connName=ibm-mq:1414'], /connName/],
    ['mq-bridge', ['--set', 'image.tag=latest'], /image\.tag|latest/],
  ])('charts/%s refuses %j', (chart, args, message) => {
    const render = () =>
      runTool(tools.helm, ['template', chart as string, `charts/${chart}`, ...(args as string[])], {
        cwd: root,
      });
    expect(render).toThrow(message as RegExp);
  });

  it('gives each inventory-aggregator pod a stable application server behind the headless Service', () => {
    const set = report.rendered.find((s) => s.source === 'gitops/apps/inventory-aggregator/envs/prod');
    const sts = set?.objects.find((o) => o.kind === 'StatefulSet');
    const headless = set?.objects.find(
      (o) => o.kind === 'Service' && o.metadata.name === 'inventory-aggregator-headless',
    );
    expect(sts?.['spec']).toMatchObject({ serviceName: 'inventory-aggregator-headless', replicas: 3 });
    expect(headless?.['spec']).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    const env = JSON.stringify(sts?.['spec']);
    expect(env).toContain(
      '"name":"APPLICATION_SERVER","value":"$(POD_NAME).inventory-aggregator-headless.$(POD_NAMESPACE).svc:3002"',
    );
  });

  it('gives the mq-bridge its MQ password as a mounted file from the SealedSecret, never as a variable', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const set = report.rendered.find((s) => s.source === `gitops/apps/mq-bridge/envs/${env}`);
      const spec = JSON.stringify(set?.objects.find((o) => o.kind === 'Deployment')?.['spec']);
      expect(spec).toContain('"name":"MQ_PASSWORD_FILE","value":"/run/secrets/mq/password"');
      expect(spec).toContain('"secretName":"ibm-mq-app-credentials"');
      expect(spec).not.toContain('"name":"MQ_PASSWORD"');
    }
  });

  it('install-tools.sh is a fast no-op once the tools are installed and prints the bin dir', () => {
    const binDir = tools.helm.slice(0, -'/helm'.length);
    const started = Date.now();
    const out = execFileSync('bash', [join(root, 'tools/manifests/install-tools.sh')], {
      env: { ...process.env, EDA_TOOLS_BIN: binDir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out.trim().split('\n').pop()).toBe(binDir);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
