/**
 * `npm run acl:generate`: writes gitops/platform/kafka-cluster/access.yaml and
 * kafkausers/ from every principal's declaration (src/access/declarations.ts).
 * `npm run acl:generate -- --check` writes nothing and exits 1 on drift
 * (validate:manifests runs the same comparison).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { generatedFiles } from './src/access/generated-files';
import { describeDrift, findDrift } from './src/access/drift';

async function main(argv: readonly string[]): Promise<number> {
  const root = resolve(__dirname, '..', '..');
  const files = await generatedFiles(root);
  const drift = findDrift(root, files);
  if (argv.includes('--check')) {
    if (drift.length === 0) {
      console.log(`acl:generate --check: ${files.size} files up to date`);
      return 0;
    }
    console.error(
      `acl:generate --check: ${drift.length} files differ from the declarations\n${describeDrift(drift)}`,
    );
    return 1;
  }
  for (const d of drift.filter((x) => x.problem === 'not generated')) rmSync(join(root, d.file));
  for (const [file, text] of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  console.log(`acl:generate: wrote ${files.size} files (${drift.length} changed)`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(`acl:generate failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
