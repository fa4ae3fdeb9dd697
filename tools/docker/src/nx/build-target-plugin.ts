/**
 * A local Nx plugin that gives every app one `build` target, the same for all:
 * `tsx tools/docker/src/cli/build.ts <app>`, which compiles the app and the
 * libraries it imports into `dist/apps/<app>/` (see ../app-build.ts). An app is
 * a folder under `apps/` with a `package.json` and a `src/main.ts`; an app that
 * arrives later gets the target without touching its project file.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CreateNodesV2, TargetConfiguration } from '@nx/devkit';

/** The build target of the app in `root` (`apps/<app>`). */
export function buildTarget(root: string): TargetConfiguration {
  const app = basename(root);
  return {
    command: `tsx tools/docker/src/cli/build.ts ${app}`,
    cache: true,
    inputs: [
      'production',
      '^production',
      '{workspaceRoot}/tools/docker/src/app-build.ts',
      '{workspaceRoot}/tools/docker/src/cli/build.ts',
      { externalDependencies: ['@swc/core'] },
    ],
    outputs: [`{workspaceRoot}/dist/apps/${app}`],
    metadata: {
      description: `Compiles the app and its libraries to CommonJS in dist/apps/${app} (run: node dist/apps/${app}/apps/${app}/src/main.js); its Dockerfile runs this.`,
    },
  };
}

export const createNodesV2: CreateNodesV2 = [
  'apps/*/package.json',
  (files, _options, context) =>
    files.map((file) => {
      const root = dirname(file);
      const isApp = existsSync(join(context.workspaceRoot, root, 'src', 'main.ts'));
      return [
        file,
        { projects: isApp ? { [root]: { targets: { build: buildTarget(root) } } } : {} },
      ] as const;
    }),
];
