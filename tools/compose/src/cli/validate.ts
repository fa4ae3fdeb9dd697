/**
 * Validates docker-compose.yml and its configs statically (no Docker engine
 * needed): prints one line per check and every problem found; exits 1 if any.
 *
 *   tsx tools/compose/src/cli/validate.ts
 */
import { loadComposeContext } from '../compose-context';
import { runComposeChecks } from '../compose-checks';

const results = runComposeChecks(loadComposeContext());
let failed = 0;
for (const { check, problems } of results) {
  process.stdout.write(
    `${problems.length === 0 ? 'ok  ' : 'FAIL'} ${check.name.padEnd(22)} ${check.description}\n`,
  );
  for (const p of problems) process.stdout.write(`       - ${p}\n`);
  if (problems.length > 0) failed++;
}
process.stdout.write(`compose: ${results.length - failed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
