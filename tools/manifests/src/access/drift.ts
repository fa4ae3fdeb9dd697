/**
 * Generated-vs-committed: every file `npm run acl:generate` would write must
 * be committed as generated, and the kafkausers/ folder may hold nothing else.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_USERS_DIR } from './generated-files';

/** One file that differs from what the generator writes. */
export interface AccessDrift {
  readonly file: string;
  readonly problem: 'missing' | 'differs' | 'not generated';
}

/** Compares the generated files with the working tree. */
export function findDrift(root: string, generated: ReadonlyMap<string, string>): AccessDrift[] {
  const drift: AccessDrift[] = [];
  for (const [file, text] of generated) {
    const path = join(root, file);
    if (!existsSync(path)) drift.push({ file, problem: 'missing' });
    else if (readFileSync(path, 'utf8') !== text) drift.push({ file, problem: 'differs' });
  }
  const users = join(root, KAFKA_USERS_DIR);
  for (const f of existsSync(users) ? readdirSync(users) : []) {
    const file = `${KAFKA_USERS_DIR}/${f}`;
    if (!generated.has(file)) drift.push({ file, problem: 'not generated' });
  }
  return drift;
}

/** One line per drifting file, and what to run. */
export function describeDrift(drift: readonly AccessDrift[]): string {
  return (
    drift.map((d) => `  ${d.file}: ${d.problem}`).join('\n') +
    "\nThe Kafka ACLs are generated from the apps' declarations: run `npm run acl:generate` and commit the result."
  );
}
