/**
 * Every static check of the compose setup, in the order the CLI reports them.
 * `npx nx test @eda/compose` proves each passes on the repository and fails on
 * a broken fixture; `tsx tools/compose/src/cli/validate.ts` runs them all.
 */
import type { ComposeContext } from './compose-context';
import { appEnvCheck, appPortCheck, appServicesCheck } from './checks/app-env-check';
import type { ComposeCheck } from './checks/compose-check';
import { subjectContractCheck, topicContractCheck } from './checks/contract-check';
import { dockerfileCheck } from './checks/dockerfile-check';
import { envExampleCheck } from './checks/env-example-check';
import { imagePinCheck, nativeVersionCheck } from './checks/image-check';
import { initServiceCheck } from './checks/init-service-check';
import { dependencyCheck, healthcheckCheck } from './checks/lifecycle-check';
import { mountCheck } from './checks/mount-check';
import { mqscCheck } from './checks/mqsc-check';
import { nativeParityCheck } from './checks/native-parity-check';
import { observabilityCheck } from './checks/observability-check';
import { portCheck } from './checks/port-check';
import { schemaCheck } from './checks/schema-check';

export const COMPOSE_CHECKS: readonly ComposeCheck[] = [
  schemaCheck,
  imagePinCheck,
  nativeVersionCheck,
  nativeParityCheck,
  healthcheckCheck,
  dependencyCheck,
  portCheck,
  topicContractCheck,
  subjectContractCheck,
  initServiceCheck,
  envExampleCheck,
  mountCheck,
  mqscCheck,
  observabilityCheck,
  dockerfileCheck,
  appServicesCheck,
  appEnvCheck,
  appPortCheck,
];

/** One check's outcome. A check that throws reports the error as its problem. */
export interface CheckResult {
  readonly check: ComposeCheck;
  readonly problems: string[];
}

export function runComposeChecks(
  ctx: ComposeContext,
  checks: readonly ComposeCheck[] = COMPOSE_CHECKS,
): CheckResult[] {
  return checks.map((check) => {
    try {
      return { check, problems: check.run(ctx) };
    } catch (err) {
      return {
        check,
        problems: [`check failed to run: ${err instanceof Error ? err.message : String(err)}`],
      };
    }
  });
}
