/**
 * `npm run schemas:deploy`: registers every schema in schemas/subjects.json
 * and sets each subject's compatibility level. Exits 1 when a change is
 * incompatible (naming the field), 2 on any other failure.
 *
 * Usage: tsx libs/events/src/cli/deploy.ts [--schemas-dir <dir>] [--subject-prefix <prefix>]
 * Registry settings come from the environment (see registry-config.ts).
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { deploySchemas, formatDeployReport } from '../deploy/schema-deploy';
import { loadSubjectCatalog } from '../deploy/subject-catalog';
import { registryConfigFromEnv } from '../registry/registry-config';
import { createSchemaRegistryClient } from '../registry/schema-registry-client';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'schemas-dir': { type: 'string', default: join(__dirname, '..', '..', 'schemas') },
      'subject-prefix': { type: 'string', default: '' },
    },
  });
  const config = registryConfigFromEnv();
  const plans = loadSubjectCatalog(values['schemas-dir'], values['subject-prefix']);
  console.log(`Deploying ${plans.length} schema(s) to ${config.url}`);
  const report = await deploySchemas(createSchemaRegistryClient(config), plans);
  console.log(formatDeployReport(report));
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`schemas:deploy failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
