/**
 * Schema deploy: registers every subject's schema and sets its compatibility
 * level, idempotently. Run by `npm run schemas:deploy`, the compose init
 * service and the Argo CD PreSync Job.
 *
 * Two phases, so a breaking change deploys nothing at all:
 * 1. plan: for each subject set the declared compatibility level, look the
 *    schema up, and ask the registry whether a new version is compatible;
 * 2. register the new versions, only if every subject passed.
 */
import type * as avro from 'avsc';
import type { CompatibilityIssue } from '../errors';
import { checkCompatibility } from '../compatibility/avro-compatibility';
import type { SchemaRegistryClient } from '../registry/schema-registry-client';
import type { SubjectPlan } from './subject-catalog';

/** What deploy did, or would do, for one subject. */
export type DeployStatus = 'registered' | 'unchanged' | 'incompatible';

/** One row of the deploy report. */
export interface DeployRow {
  readonly subject: string;
  readonly recordName: string;
  readonly compatibility: string;
  /** Subject version of the schema; undefined when nothing was registered. */
  readonly version?: number;
  /** Global schema id; undefined when nothing was registered. */
  readonly id?: number;
  readonly status: DeployStatus;
  /** Why the registry refused, field by field (empty unless incompatible). */
  readonly issues: readonly CompatibilityIssue[];
}

/** The outcome of {@link deploySchemas}. */
export interface DeployReport {
  readonly rows: readonly DeployRow[];
  /** False when any subject was incompatible; then nothing was registered. */
  readonly ok: boolean;
}

/** Registers `plans` (see the module comment for the two phases). */
export async function deploySchemas(
  registry: SchemaRegistryClient,
  plans: readonly SubjectPlan[],
): Promise<DeployReport> {
  const planned: DeployRow[] = [];
  for (const plan of plans) {
    planned.push(await planSubject(registry, plan));
  }
  if (planned.some((row) => row.status === 'incompatible')) {
    return { rows: planned, ok: false };
  }
  const rows: DeployRow[] = [];
  for (const [i, plan] of plans.entries()) {
    const row = planned[i] as DeployRow;
    rows.push(row.status === 'unchanged' ? row : await registerSubject(registry, plan, row));
  }
  return { rows, ok: true };
}

async function planSubject(registry: SchemaRegistryClient, plan: SubjectPlan): Promise<DeployRow> {
  const text = JSON.stringify(plan.schema);
  const base = {
    subject: plan.subject,
    recordName: plan.recordName,
    compatibility: plan.compatibility,
    issues: [],
  };
  // Declared state first: the compatibility check below must use this level,
  // and relaxing it in subjects.json is how a deliberate break is allowed.
  if ((await registry.getCompatibility(plan.subject)) !== plan.compatibility) {
    await registry.setCompatibility(plan.subject, plan.compatibility);
  }
  const existing = await registry.lookup(plan.subject, text);
  if (existing) {
    return { ...base, version: existing.version, id: existing.id, status: 'unchanged' };
  }
  if (await registry.isCompatible(plan.subject, text)) {
    return { ...base, status: 'registered' };
  }
  return { ...base, status: 'incompatible', issues: await explainRejection(registry, plan) };
}

/**
 * The registry says only "incompatible"; our own avsc-based check against its
 * latest version names the field. When the clash is with an older version
 * (transitive levels), say so rather than invent a reason.
 */
async function explainRejection(
  registry: SchemaRegistryClient,
  plan: SubjectPlan,
): Promise<CompatibilityIssue[]> {
  const latest = await registry.latest(plan.subject);
  const nonTransitive = plan.compatibility.replace('_TRANSITIVE', '') as SubjectPlan['compatibility'];
  const issues = latest
    ? checkCompatibility(
        plan.schema,
        [{ label: `registered v${latest.version}`, schema: JSON.parse(latest.schema) as avro.Schema }],
        nonTransitive,
      )
    : [];
  return issues.length > 0
    ? issues
    : [
        {
          path: plan.recordName,
          rule: plan.compatibility,
          message: `the registry rejects it under ${plan.compatibility}; it clashes with an earlier version of ${plan.subject} (run \`npm run schemas:check\` to see which field)`,
        },
      ];
}

async function registerSubject(
  registry: SchemaRegistryClient,
  plan: SubjectPlan,
  row: DeployRow,
): Promise<DeployRow> {
  const text = JSON.stringify(plan.schema);
  const id = await registry.register(plan.subject, text);
  // The register call answers only the id; the lookup gives the version too.
  const registered = await registry.lookup(plan.subject, text);
  return { ...row, id, version: registered?.version, status: 'registered' };
}

/** Renders the report as the fixed-width table the CLI prints. */
export function formatDeployReport(report: DeployReport): string {
  const header = ['SUBJECT', 'RECORD', 'COMPATIBILITY', 'VERSION', 'ID', 'STATUS'];
  const cells = report.rows.map((r) => [
    r.subject,
    r.recordName,
    r.compatibility,
    r.version === undefined ? '-' : String(r.version),
    r.id === undefined ? '-' : String(r.id),
    r.status,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const reasons = report.rows.flatMap((r) => r.issues.map((i) => `  ${r.subject}: ${i.rule}: ${i.message}`));
  return [
    line(header),
    ...cells.map(line),
    ...(reasons.length ? ['', 'Incompatible changes (nothing was registered):', ...reasons] : []),
  ].join('\n');
}
