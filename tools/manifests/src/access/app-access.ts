/**
 * `AccessOf` for the repository: runs `apps/<app>/src/config/kafka-access.ts`
 * (loaded by path, see ./declarations.ts) with a rendered env.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessOf } from '../policies/app-kafka-usage-policy';
import { appDeclarationFile, loadAppDeclaration } from './declarations';

/** The apps' declarations under `root`. */
export function repositoryAccessOf(root: string): AccessOf {
  return (app, env) =>
    /^[a-z0-9-]+$/.test(app) && existsSync(join(root, appDeclarationFile(app)))
      ? loadAppDeclaration(root, app).kafkaAccess(env)
      : undefined;
}
