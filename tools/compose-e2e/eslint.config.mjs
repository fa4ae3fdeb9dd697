// The root config, plus one narrow exception to "nothing imports an app": the
// compose end-to-end test computes what a seed must produce with the code that
// already defines it, instead of a copy that could drift: the simulator's
// scenario (the pure function its simulations run) and the aggregator's test
// oracle. Exactly those two files, by path; nothing else of an app.
import root, { moduleBoundaryOptions } from '../../eslint.config.mjs';

export default [
  ...root,
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          ...moduleBoundaryOptions,
          allow: [
            '^(\\.\\./)+apps/store-simulator/src/scenario/store-scenario$',
            '^(\\.\\./)+apps/inventory-aggregator/src/testing/inventory-expectation$',
          ],
        },
      ],
    },
  },
  {
    // The Jest config re-exports the root preset by relative path, as every
    // jest.config.cjs does (the root config exempts those by name).
    files: ['jest.compose.config.cjs'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
