/**
 * `nx g @eda/plugin:service <name> --kind producer|consumer|processor
 *  --consumes <topic,...> --produces <topic,...>`: a new event-driven service,
 * deployable end to end. docs/new-service.md lists every file it writes.
 *
 * Order: everything is decided and checked first ({@link planService}), so a
 * refused name leaves the tree untouched; then the schemas, the topics, the
 * app, the chart and the overlays are written, the shared files gain their
 * entries, and after the files are on disk `npm run acl:generate` turns the
 * app's `kafka-access.ts` into its KafkaUser (the same code CI's drift check
 * runs). Existing files are never overwritten: a second run adds nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatFiles,
  generateFiles,
  logger,
  OverwriteStrategy,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';
import { writeEvent } from '../event/generator';
import { camelCase, constantCase, pascalCase } from '../naming';
import { writeTopic } from '../topic/generator';
import { planService, type ServicePlan } from './plan';
import {
  registerArgoApplication,
  registerComposeService,
  registerReadmeRow,
  registerRegistryPeer,
  registerWorkflows,
} from './registrations';
import type { ServiceGeneratorSchema } from './schema';

/** The template variables of `plan`. */
function substitutions(plan: ServicePlan): Record<string, unknown> {
  return {
    ...plan,
    tmpl: '',
    className: pascalCase(plan.name),
    propertyName: camelCase(plan.name),
    constantName: constantCase(plan.name),
    metricPrefix: plan.name.replaceAll('-', '_'),
    activity: {
      processor: 'committing, closing tasks and leaving the group',
      consumer: 'committing and leaving the group',
      producer: 'flushing the producer',
    }[plan.kind],
  };
}

/** Writes the app, chart, overlays and Argo CD Application from the templates, keeping existing files. */
function writeTemplates(tree: Tree, plan: ServicePlan): void {
  const vars = substitutions(plan);
  const keep = { overwriteStrategy: OverwriteStrategy.KeepExisting };
  // files/app and files/deploy are every kind's; files/<kind> holds what only that kind has.
  for (const folder of ['app', 'deploy', plan.kind]) {
    generateFiles(tree, join(__dirname, 'files', folder), '.', vars, keep);
  }
}

/** After the files are on disk: the chart's link to eda-lib (the tree cannot hold symlinks) and the ACLs. */
function afterWrite(tree: Tree, plan: ServicePlan, options: ServiceGeneratorSchema): GeneratorCallback {
  return () => {
    const link = join(tree.root, 'charts', plan.name, 'charts', 'eda-lib');
    if (!existsSync(link)) {
      mkdirSync(join(link, '..'), { recursive: true });
      symlinkSync('../../eda-lib', link);
    }
    if (options.skipAcl) return;
    logger.info('Generating the ACLs from the kafka-access declarations (npm run acl:generate)');
    execFileSync(process.execPath, [require.resolve('tsx/cli'), 'tools/manifests/generate-acls.ts'], {
      cwd: tree.root,
      stdio: 'inherit',
    });
  };
}

/** The generator. */
export async function serviceGenerator(
  tree: Tree,
  options: ServiceGeneratorSchema,
): Promise<GeneratorCallback> {
  const plan = planService(tree, options);
  for (const event of plan.events) writeEvent(tree, event);
  for (const topic of plan.topics) writeTopic(tree, topic);
  writeTemplates(tree, plan);
  registerArgoApplication(tree, plan);
  registerComposeService(tree, plan);
  registerReadmeRow(tree, plan);
  registerRegistryPeer(tree, plan);
  registerWorkflows(tree, plan);
  await formatFiles(tree);
  if (!plan.rerun) {
    logger.info(
      `Also written after the files, by npm run acl:generate: gitops/platform/kafka-cluster/access.yaml, ` +
        `kafkausers/${plan.name}.yaml and kafkausers/kustomization.yaml; and charts/${plan.name}/charts/eda-lib (a symlink).`,
    );
  }
  return afterWrite(tree, plan, options);
}

export default serviceGenerator;
