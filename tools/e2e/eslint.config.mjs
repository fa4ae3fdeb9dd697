// The root config, plus the one exception to "nothing imports an app": end-to-end
// tests start apps side by side in one process, so they can share an in-process
// test double (the IBM MQ one), through each app's public entry point
// `apps/<app>/src/serve` and nothing else of it. Nx forbids importing an app
// whatever the tags say, so the entry points are allowed by path, here only
// (src/e2e-boundaries.spec.ts keeps the exception that narrow).
import root, { moduleBoundaryOptions } from '../../eslint.config.mjs';

export default [
  ...root,
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { ...moduleBoundaryOptions, allow: ['^(\\.\\./)+apps/[a-z0-9-]+/src/serve$'] },
      ],
    },
  },
];
