// Jest config of the trace test. Deliberately not named jest.config.cjs:
// @nx/jest infers a `test` target only from that name, so `npm test` never
// builds Jaeger. tools/tracing/trace-e2e.sh builds it (cached) and runs this
// config; the integration project's global setup attaches to the native stack.
const { jestConfig } = require('../../jest.preset.cjs');

const base = jestConfig(__dirname).projects.find((p) => p.displayName.endsWith(':integration'));

module.exports = {
  ...base,
  displayName: '@eda/trace-e2e',
  testMatch: ['<rootDir>/src/**/*.int-spec.ts'],
  slowTestThreshold: 120,
};
