/**
 * The init services run the native stack's own code on the same declarations:
 * `topics` runs tools/stack/create-topics.ts on the gitops KafkaTopic folder,
 * `schemas` runs the schemas:deploy CLI on libs/events/schemas, each folder
 * bind-mounted read-only from the repository.
 */
import { posix } from 'node:path';
import { TOPIC_CATALOG_DIR } from '@eda/kafka/topics';
import { commandOf, SCHEMAS_DIR, volumesOf, type ComposeContext } from '../compose-context';
import type { ComposeCheck } from './compose-check';
import { isInitService } from './lifecycle-check';

/** What each init service must run, and on which repository folder. */
export const INIT_SERVICES = [
  { service: 'topics', script: 'tools/stack/create-topics.ts', dirFlag: '--dir', folder: TOPIC_CATALOG_DIR },
  {
    service: 'schemas',
    script: 'libs/events/src/cli/deploy.ts',
    dirFlag: '--schemas-dir',
    folder: SCHEMAS_DIR,
  },
] as const;

/** The repository folder (relative to the root) that an init service reads its input from. */
export function initServiceInput(ctx: ComposeContext, service: string, dirFlag: string): string {
  const s = ctx.compose.services[service];
  if (!s) throw new Error(`no service ${service}`);
  const args = commandOf(s);
  const dir = args[args.indexOf(dirFlag) + 1];
  if (!args.includes(dirFlag) || !dir)
    throw new Error(`service ${service}: its command passes no ${dirFlag}`);
  const mount = volumesOf(s).find(
    (v) => v.type === 'bind' && (dir === v.target || dir.startsWith(`${v.target}/`)),
  );
  if (!mount?.source) throw new Error(`service ${service}: ${dir} is not bind-mounted from the repository`);
  if (!mount.read_only) throw new Error(`service ${service}: the mount of ${dir} is not read_only`);
  return posix.normalize(posix.join(mount.source, posix.relative(mount.target, dir)));
}

export const initServiceCheck: ComposeCheck = {
  name: 'init-services',
  description:
    'topics and schemas run the native stack code on the same folders, mounted read-only, to completion',
  run: (ctx) =>
    INIT_SERVICES.flatMap(({ service, script, dirFlag, folder }) => {
      const s = ctx.compose.services[service];
      if (!s) return [`service ${service} is missing: it runs ${script}`];
      const problems: string[] = [];
      if (!isInitService(s))
        problems.push(`service ${service}: must run to completion (restart: "no", no ports)`);
      if (!commandOf(s).includes(script)) problems.push(`service ${service}: must run ${script}`);
      try {
        const input = initServiceInput(ctx, service, dirFlag);
        if (input !== folder)
          problems.push(`service ${service}: reads ${input}, but the native stack reads ${folder}`);
      } catch (err) {
        problems.push((err as Error).message);
      }
      return problems;
    }),
};
