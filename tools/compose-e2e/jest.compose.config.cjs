// Jest config of the compose end-to-end test. Deliberately not named
// jest.config.cjs: @nx/jest infers a `test` target only from that name, so
// `npm test` never runs this suite. tools/docker/compose-e2e.sh runs it once
// the stack is up (`npx nx run @eda/compose-e2e:e2e` does the same).
// No global setup: the test talks to the compose stack, never the native one.
const { jestConfig } = require('../../jest.preset.cjs');

const base = jestConfig(__dirname).projects.find((p) => p.displayName.endsWith(':unit'));

module.exports = {
  ...base,
  displayName: '@eda/compose-e2e',
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  slowTestThreshold: 60,
};
