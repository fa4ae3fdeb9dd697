// Root ESLint flat config. Each project's eslint.config.mjs re-exports it, which
// is what lets @nx/eslint/plugin infer a `lint` target per project.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

/**
 * The dependency matrix (see ../shared/STYLE.md):
 *   type:app         -> feature, data-access, util
 *   type:feature     -> feature, data-access, util
 *   type:data-access -> data-access, util
 *   type:util        -> util
 *   type:testing     -> data-access, util, testing
 * Any project's *tests* may also use type:testing (the harness); a second rule
 * below keeps @eda/testing out of production code.
 *   scope:shared     -> scope:shared   (libraries never depend on an app's domain)
 *   scope:inventory  -> scope:inventory, scope:shared
 *   type:tool        -> anything but apps (workspace tooling: stack, bench, generators)
 *   type:e2e         -> anything but apps, plus each app's public `src/serve` (tools/e2e, below)
 *   scope:tooling    -> anything shared
 * Nothing may import an app: no project is allowed to depend on type:app. The one
 * exception is tools/e2e, which starts several apps in one process through their
 * `serve()` functions, so they can share an in-process test double (the IBM MQ one);
 * its own eslint.config.mjs allows exactly `apps/<app>/src/serve`.
 */
export const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:testing'],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:testing'],
  },
  {
    sourceTag: 'type:data-access',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:testing'],
  },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:testing'] },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:testing'],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:testing'],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:inventory', onlyDependOnLibsWithTags: ['scope:inventory', 'scope:shared'] },
  { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tooling'] },
];

/** Options of @nx/enforce-module-boundaries; tools/e2e/eslint.config.mjs widens `allow` for its project only. */
export const moduleBoundaryOptions = {
  enforceBuildableLibDependency: true,
  allow: [],
  banTransitiveDependencies: false,
  depConstraints,
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/coverage', '.stack/**', '.nx/**', '**/generated/**'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaryOptions],
    },
  },
  {
    // A project's eslint/jest config re-exports the root one by relative path,
    // which is how Nx infers the targets; that is not a library import.
    files: ['**/eslint.config.mjs', '**/jest.config.cjs'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // In a test, a wrong non-null assertion fails the test, which is the point.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.fault-spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // The integration harness is for tests and their fixtures (which no build ships:
    // tools/docker/src/app-build.ts); production code must not import it.
    files: ['{apps,libs}/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.fault-spec.ts', '**/*.fixture.ts', 'libs/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@eda/testing',
              message:
                'The test harness is for tests (*.spec.ts, *.int-spec.ts, *.fault-spec.ts) and *.fixture.ts files only.',
            },
          ],
        },
      ],
    },
  },
  prettier,
];
