/**
 * The offline compatibility gate (`npm run schemas:check`).
 *
 * Earlier versions of each record live in `schemas/history/<Record>/v<N>.avsc`
 * (committed). Release procedure: before changing `X.avsc`, copy the current
 * file to `history/X/v<N+1>.avsc`; the gate then checks the edited schema
 * against the history under the subject's level. No registry needed, so CI
 * rejects a breaking change before anything is deployed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompatibilityIssue } from '../errors';
import type { SubjectPlan } from '../deploy/subject-catalog';
import { checkCompatibility, VersionedSchema } from './avro-compatibility';

/** The gate's verdict for one subject. */
export interface HistoryCheckResult {
  readonly subject: string;
  readonly recordName: string;
  /** How many earlier versions the history holds. */
  readonly versions: number;
  readonly issues: readonly CompatibilityIssue[];
}

/** Earlier versions of a record, oldest first. `recordName` may be full or short. */
export function loadHistory(schemasDir: string, recordName: string): VersionedSchema[] {
  const dir = join(schemasDir, 'history', recordName.slice(recordName.lastIndexOf('.') + 1));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((file) => ({ file, n: /^v(\d+)\.avsc$/.exec(file)?.[1] }))
    .filter((e): e is { file: string; n: string } => e.n !== undefined)
    .sort((a, b) => Number(a.n) - Number(b.n))
    .map(({ file, n }) => ({ label: `v${n}`, schema: JSON.parse(readFileSync(join(dir, file), 'utf8')) }));
}

/** Checks every subject's current schema against its history. */
export function checkAgainstHistory(schemasDir: string, plans: readonly SubjectPlan[]): HistoryCheckResult[] {
  return plans.map((plan) => {
    const history = loadHistory(schemasDir, plan.recordName);
    return {
      subject: plan.subject,
      recordName: plan.recordName,
      versions: history.length,
      issues: checkCompatibility(plan.schema, history, plan.compatibility),
    };
  });
}
