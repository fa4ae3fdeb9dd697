/**
 * `npm run validate:manifests`: lints and renders every Helm chart scenario
 * and every env overlay in gitops/, validates the output with kubeconform
 * (offline schemas from EDA_K8S_SCHEMAS, default ../shared/k8s-schemas), and
 * applies the policies in src/policies, and checks that the Kafka ACLs are
 * what `npm run acl:generate` writes. Exits 1 on any finding.
 *
 * Needs helm, kustomize, kubeconform and actionlint: tools/manifests/install-tools.sh.
 * With kube-apiserver, kubectl and etcd (tools/manifests/install-apiserver.sh)
 * it also dry-runs every rendered set against a real API server
 * (EDA_DRY_RUN=off|auto|required, default auto).
 */
import { resolve } from 'node:path';
import { dryRunMode, passed, validateRepository } from './src/validate-repository';
import { ToolchainMissingError } from './src/toolchain';
import { describeDrift, findDrift } from './src/access/drift';
import { generatedFiles } from './src/access/generated-files';

async function main(): Promise<number> {
  const root = resolve(__dirname, '..', '..');
  let report;
  try {
    report = validateRepository(root, { dryRun: dryRunMode() });
  } catch (e) {
    if (e instanceof ToolchainMissingError) {
      console.error(`validate:manifests: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const objects = report.rendered.reduce((n, s) => n + s.objects.length, 0);
  console.log(`charts linted: ${report.lintedCharts.join(', ')}`);
  console.log(`rendered: ${report.rendered.length} sets, ${objects} objects`);
  for (const set of report.rendered) console.log(`  ${set.source}: ${set.objects.length} objects`);
  const s = report.schemas.summary;
  console.log(
    `kubeconform (${report.schemas.offline ? 'offline schemas' : 'remote schemas'}): ` +
      `${s.valid} valid, ${s.invalid} invalid, ${s.errors} errors, ${s.skipped} skipped`,
  );
  console.log(`server-side dry run: ${report.dryRun.note}`);
  for (const e of report.renderErrors) console.error(`RENDER  ${e}`);
  for (const f of report.schemas.findings)
    console.error(`SCHEMA  ${f.source}: ${f.kind} ${f.name} ${f.status}: ${f.message}`);
  for (const v of report.violations)
    console.error(`POLICY  [${v.policy}] ${v.source}: ${v.object} ${v.message}`);
  // The Kafka ACLs must be exactly what the declarations generate (npm run acl:generate).
  const drift = findDrift(root, await generatedFiles(root));
  if (drift.length) console.error(`ACL DRIFT\n${describeDrift(drift)}`);
  const ok = passed(report) && drift.length === 0;
  console.log(ok ? 'validate:manifests: OK' : 'validate:manifests: FAILED');
  return ok ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
