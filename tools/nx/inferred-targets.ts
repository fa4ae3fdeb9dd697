/**
 * A local Nx plugin that infers the target the official plugins do not:
 *
 * - `typecheck`: `tsc --noEmit` over the project's `tsconfig.json`, for every
 *   project that has one. (`@nx/js/typescript` infers this only for the
 *   TypeScript project-references layout; this workspace uses path aliases.)
 * - `fault`: the project's `*.fault-spec.ts` files (the fault suite), one at a
 *   time against the dedicated fault stack, for every project that has one.
 *   `EDA_FAULT_SUITE=true` is what adds the `fault` Jest project to the preset.
 *
 * Keeping inference here means `project.json`/`package.json` hold only tags.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  const name = projectName(join(workspaceRoot, root));
  if (name !== undefined && hasFaultSpecs(join(workspaceRoot, root))) {
    targets['fault'] = {
      command: `jest --config jest.config.cjs --selectProjects ${name}:fault --runInBand --forceExit`,
      options: { cwd: root, env: { EDA_FAULT_SUITE: 'true' } },
      cache: false,
      metadata: { description: 'Runs the fault suite (*.fault-spec.ts) against a dedicated stack.' },
    };
  }
  return targets;
}

function projectName(dir: string): string | undefined {
  for (const file of ['project.json', 'package.json']) {
    try {
      const { name } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { name?: string };
      if (name) return name;
    } catch {
      // not this file
    }
  }
  return undefined;
}

/** Fault specs sit beside the code, under `src/`. */
function hasFaultSpecs(dir: string): boolean {
  const src = join(dir, 'src');
  return (
    existsSync(src) &&
    readdirSync(src, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.fault-spec.ts'))
  );
}

export const createNodesV2: CreateNodesV2 = [
  '{apps,libs,tools}/*/{package,project}.json',
  (files, _options, context) =>
    files.map((file) => {
      const root = dirname(file);
      return [file, { projects: { [root]: { targets: targetsFor(root, context.workspaceRoot) } } }] as const;
    }),
];
