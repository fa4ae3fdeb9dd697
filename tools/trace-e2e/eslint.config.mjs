// The root config. The trace test starts the apps as processes, by path; it
// imports nothing of them.
import root from '../../eslint.config.mjs';

export default [
  ...root,
  {
    // The Jest config re-exports the root preset by relative path, as every
    // jest.config.cjs does (the root config exempts those by name).
    files: ['jest.trace.config.cjs'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
