// The secure end-to-end suite (*.secure-spec.ts): starts its own secure native
// stack (EDA_STACK_SECURE=1, ports EDA_SECURE_E2E_PORT_PREFIX, default 27xxx),
// so it is not part of `npm test`. Run it with
//   npx jest -c tools/e2e/jest.secure.config.cjs
// (.ci/run has a block of its own for it).
const { join } = require('node:path');
// Re-exports the root preset, as every jest.config.cjs does (which the root ESLint config exempts by name).
// eslint-disable-next-line @nx/enforce-module-boundaries
const { jestConfig, workspaceRoot } = require('../../jest.preset.cjs');

const base = jestConfig(__dirname);
const [unit] = base.projects;

module.exports = {
  ...unit,
  displayName: '@eda/e2e:secure',
  testMatch: ['<rootDir>/**/*.secure-spec.ts'],
  setupFilesAfterEnv: [join(workspaceRoot, 'libs/testing/src/jest/integration-setup.ts')],
  forceExit: true,
};
