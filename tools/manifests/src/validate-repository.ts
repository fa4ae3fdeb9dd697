/**
 * The whole manifest check, as `npm run validate:manifests` and the Jest spec
 * run it: lint and render every chart scenario, build every env overlay,
 * validate every object against its schema, then apply the policies; lint
 * the GitHub workflows with actionlint.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RenderedSet, Violation } from './manifest';
import { offlineSchemaDir, validateSchemas, SchemaReport } from './kubeconform';
import { buildOverlay, discoverCharts, discoverOverlays, lintChart, renderChart, Renderer } from './render';
import {
  ACCESS_FILE,
  checkAppPrincipals,
  checkKafkaAccess,
  parseAccess,
} from './policies/kafka-access-policy';
import { repositoryAccessOf } from './access/app-access';
import { checkApicurioKafkaSettings } from './access/apicurio-settings-check';
import { checkAppKafkaUsage } from './policies/app-kafka-usage-policy';
import { checkApplications } from './policies/application-policy';
import { checkEnvDiff } from './policies/env-diff-policy';
import { checkIbmMq } from './policies/ibm-mq-policy';
import { checkRegistryAccess, checkRegistryHealth } from './policies/registry-policy';
import { ARGOCD_VALUES_FILE, checkJobHealthCheck, checkSchemaGate } from './policies/schema-gate-policy';
import { checkNoPlaintextSecrets, checkSecretFiles } from './policies/secret-policy';
import { checkSyncWaves } from './policies/sync-wave-policy';
import { checkTelemetry } from './policies/telemetry-policy';
import { checkVersions, STACK_VERSIONS_FILE, stackVersions } from './policies/version-policy';
import { checkWorkloads } from './policies/workload-policy';
import { locateToolchain, ToolFailedError } from './toolchain';
import { checkWorkflows } from './workflows';
import { DryRunSetupError, dryRunApply, locateApiServer } from './dry-run';

/** Everything rendered, and everything wrong with it. */
export interface ValidationReport {
  readonly lintedCharts: readonly string[];
  readonly rendered: readonly RenderedSet[];
  /** helm/kustomize failures, one per chart scenario or overlay. */
  readonly renderErrors: readonly string[];
  readonly schemas: SchemaReport;
  readonly violations: readonly Violation[];
  /** Whether the server-side dry run ran, and if not, why. */
  readonly dryRun: { readonly ran: boolean; readonly note: string };
}

/**
 * The server-side dry run (src/dry-run.ts): `off`, `auto` (when
 * install-apiserver.sh's binaries are there) or `required` (fail without
 * them; CI). From EDA_DRY_RUN; the CLI defaults to `auto`.
 */
export type DryRunMode = 'off' | 'auto' | 'required';

export function dryRunMode(env: NodeJS.ProcessEnv = process.env, fallback: DryRunMode = 'auto'): DryRunMode {
  const value = env['EDA_DRY_RUN'];
  if (value === undefined || value === '') return fallback;
  if (value === 'off' || value === 'auto' || value === 'required') return value;
  throw new Error(`EDA_DRY_RUN must be off, auto or required, not "${value}"`);
}

/** Renders everything; failures are collected rather than thrown, so one run reports them all. */
export function renderRepository(r: Renderer): {
  linted: string[];
  rendered: RenderedSet[];
  errors: string[];
} {
  const linted: string[] = [];
  const rendered: RenderedSet[] = [];
  const errors: string[] = [];
  const attempt = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      errors.push(e instanceof ToolFailedError ? `${what}: ${e.message}` : `${what}: ${String(e)}`);
    }
  };
  for (const chart of discoverCharts(r.root)) {
    attempt(`helm lint ${chart.dir}`, () => lintChart(r, chart));
    linted.push(chart.dir);
    if (chart.type === 'library') continue;
    if (chart.scenarios.length === 0) errors.push(`${chart.dir}: has no ci/*-values.yaml scenario`);
    for (const scenario of chart.scenarios) {
      attempt(`helm lint ${chart.dir} -f ${scenario}`, () => lintChart(r, chart, scenario));
      attempt(`helm template ${chart.dir} -f ${scenario}`, () =>
        rendered.push(renderChart(r, chart, scenario)),
      );
    }
  }
  for (const overlay of discoverOverlays(r.root)) {
    attempt(`kustomize build ${overlay.dir}`, () => rendered.push(buildOverlay(r, overlay)));
  }
  return { linted, rendered, errors };
}

/** Applies every policy to the rendered sets. */
export function applyPolicies(root: string, rendered: readonly RenderedSet[]): Violation[] {
  const access = parseAccess(readFileSync(join(root, ACCESS_FILE), 'utf8'));
  const versions = stackVersions(readFileSync(join(root, STACK_VERSIONS_FILE), 'utf8'));
  return [
    ...checkWorkloads(rendered),
    ...checkNoPlaintextSecrets(rendered),
    ...checkSecretFiles(root),
    ...checkKafkaAccess(access, rendered),
    ...checkAppPrincipals(access, rendered),
    ...checkAppKafkaUsage({
      declared: access,
      sets: rendered,
      accessOf: repositoryAccessOf(root),
    }),
    ...checkApicurioKafkaSettings(rendered),
    ...checkSyncWaves(rendered),
    ...checkVersions(versions, rendered),
    ...checkEnvDiff(rendered),
    ...checkIbmMq(rendered),
    ...checkApplications(rendered),
    ...checkRegistryHealth(rendered),
    ...checkRegistryAccess(rendered),
    ...checkTelemetry(rendered),
    ...checkSchemaGate(rendered),
    ...checkJobHealthCheck(readFileSync(join(root, ARGOCD_VALUES_FILE), 'utf8')),
  ];
}

/** The full check. Throws ToolchainMissingError when helm, kustomize or kubeconform is missing. */
export function validateRepository(root: string, options: { dryRun?: DryRunMode } = {}): ValidationReport {
  const tools = locateToolchain();
  const { linted, rendered, errors } = renderRepository({ root, tools });
  const schemas = validateSchemas(tools.kubeconform, root, rendered);
  const dryRun = runDryRun(root, rendered, options.dryRun ?? 'off');
  return {
    lintedCharts: linted,
    rendered,
    renderErrors: [...errors, ...dryRun.errors],
    schemas,
    // The GitHub workflows that build the images and propose releases (actionlint).
    violations: [
      ...applyPolicies(root, rendered),
      ...checkWorkflows(tools.actionlint, root),
      ...dryRun.violations,
    ],
    dryRun: { ran: dryRun.ran, note: dryRun.note },
  };
}

function runDryRun(
  root: string,
  rendered: readonly RenderedSet[],
  mode: DryRunMode,
): { ran: boolean; note: string; errors: string[]; violations: Violation[] } {
  const none = { errors: [] as string[], violations: [] as Violation[] };
  if (mode === 'off') return { ran: false, note: 'off (EDA_DRY_RUN=off)', ...none };
  const apiServer = locateApiServer();
  if (!apiServer) {
    const missing = 'kube-apiserver, kubectl or etcd not found; run tools/manifests/install-apiserver.sh';
    return mode === 'required'
      ? {
          ran: false,
          note: 'required but missing',
          errors: [`server-side dry run: ${missing}`],
          violations: [],
        }
      : { ran: false, note: `skipped: ${missing}`, ...none };
  }
  const started = Date.now();
  try {
    const violations = dryRunApply(apiServer, rendered, offlineSchemaDir(root));
    return {
      ran: true,
      note: `${rendered.length} sets applied with --dry-run=server in ${Math.round((Date.now() - started) / 1000)} s`,
      errors: [],
      violations,
    };
  } catch (e) {
    if (e instanceof DryRunSetupError)
      return { ran: false, note: 'failed', errors: [`server-side dry run: ${e.message}`], violations: [] };
    throw e;
  }
}

/** True when nothing at all is wrong. */
export function passed(report: ValidationReport): boolean {
  return (
    report.renderErrors.length === 0 && report.schemas.findings.length === 0 && report.violations.length === 0
  );
}
