/**
 * A local Nx plugin that infers the target the official plugins do not:
 *
 * - `typecheck`: `tsc --noEmit` over the project's `tsconfig.json`, for every
 *   project that has one. (`@nx/js/typescript` infers this only for the
 *   TypeScript project-references layout; this workspace uses path aliases.)
 *
 * Keeping inference here means `project.json`/`package.json` hold only tags.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CreateNodesV2, TargetConfiguration } from '@nx/devkit';

function targetsFor(root: string, workspaceRoot: string): Record<string, TargetConfiguration> {
  const targets: Record<string, TargetConfiguration> = {};
  if (existsSync(join(workspaceRoot, root, 'tsconfig.json'))) {
    targets['typecheck'] = {
      command: 'tsc --noEmit -p tsconfig.json',
      options: { cwd: root },
      cache: true,
      inputs: ['default', '^production', { externalDependencies: ['typescript'] }],
      outputs: [],
      metadata: { description: 'Type-checks sources and tests with tsc --noEmit.' },
    };
  }
  return targets;
}

export const createNodesV2: CreateNodesV2 = [
  '{apps,libs,tools}/*/{package,project}.json',
  (files, _options, context) =>
    files.map((file) => {
      const root = dirname(file);
      return [file, { projects: { [root]: { targets: targetsFor(root, context.workspaceRoot) } } }] as const;
    }),
];
