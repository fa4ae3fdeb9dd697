/**
 * `npm run schemas:deploy`: registers every schema in schemas/subjects.json
 * and sets each subject's compatibility level. Exits 1 when a change is
 * incompatible (naming the field), 2 on any other failure.
 *
 * Usage: tsx libs/events/src/cli/deploy.ts [--schemas-dir <dir>] [--subject-prefix <prefix>]
 * Registry settings come from the environment (see registry-config.ts).
 *
 * A registry that is unavailable or slow (a retriable error) is retried with
 * backoff for up to SCHEMAS_DEPLOY_RETRY_MS (default 120000): the deploy is
 * idempotent, and it runs as a start-up Job (compose, Argo CD PreSync) beside a
 * registry that may still be warming up. Apicurio on KafkaSQL was seen answering
 * its first writes after more than the client's 5 s timeout.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { isRetriable, readIntegerEnv } from '@eda/base';
import { deploySchemas, formatDeployReport } from '../deploy/schema-deploy';
import { loadSubjectCatalog } from '../deploy/subject-catalog';
import { registryConfigFromEnv } from '../registry/registry-config';
import { createSchemaRegistryClient } from '../registry/schema-registry-client';

/** How long a retriable failure is retried, from SCHEMAS_DEPLOY_RETRY_MS. */
function retryBudgetMs(env: NodeJS.ProcessEnv = process.env): number {
  return readIntegerEnv(
    env,
    'SCHEMAS_DEPLOY_RETRY_MS',
    { fallback: 120_000, min: 0 },
    (variable, detail) => new Error(`${variable} (ms) ${detail}.`),
  );
}

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
  const client = createSchemaRegistryClient(config);
  const deadline = Date.now() + retryBudgetMs();
  let report;
  for (let delay = 1000; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      report = await deploySchemas(client, plans);
      break;
    } catch (err) {
      if (!isRetriable(err, false) || Date.now() + delay > deadline) throw err;
      console.error(`schemas:deploy: ${(err as Error).message} Retrying in ${delay} ms.`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
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
