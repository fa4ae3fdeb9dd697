/**
 * `npm run schemas:check`: the offline compatibility gate. Compares every
 * schema with its committed history (schemas/history) under its subject's
 * level and exits 1 naming each broken field. Needs no registry.
 *
 * Usage: tsx libs/events/src/cli/check.ts [--schemas-dir <dir>]
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { checkAgainstHistory } from '../compatibility/schema-history';
import { loadSubjectCatalog } from '../deploy/subject-catalog';

function main(): number {
  const { values } = parseArgs({
    options: { 'schemas-dir': { type: 'string', default: join(__dirname, '..', '..', 'schemas') } },
  });
  const schemasDir = values['schemas-dir'];
  const results = checkAgainstHistory(schemasDir, loadSubjectCatalog(schemasDir));
  for (const r of results) {
    const verdict = r.issues.length === 0 ? 'ok' : 'INCOMPATIBLE';
    console.log(
      `${verdict.padEnd(12)} ${r.subject.padEnd(24)} ${r.recordName} (${r.versions} earlier version(s))`,
    );
    r.issues.forEach((i) => console.log(`             ${i.rule}: ${i.message}`));
  }
  const broken = results.filter((r) => r.issues.length > 0).length;
  console.log(
    broken === 0
      ? 'All schemas are compatible with their history.'
      : `${broken} subject(s) break their compatibility level.`,
  );
  return broken === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`schemas:check failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
