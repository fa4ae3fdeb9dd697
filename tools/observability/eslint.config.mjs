// The root config, plus one narrow exception to "nothing imports an app": the
// metric-reference check builds each app's Prometheus registry with the code
// that defines it (apps/<app>/src/metrics/<app>-metrics.ts), so the names it
// compares dashboards and alert rules against are the ones /metrics serves.
// Exactly those four files, by path; nothing else of an app.
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
            '^(\\.\\./)+apps/store-simulator/src/metrics/simulator-metrics$',
            '^(\\.\\./)+apps/mq-bridge/src/metrics/bridge-metrics$',
            '^(\\.\\./)+apps/inventory-aggregator/src/metrics/aggregator-metrics$',
            '^(\\.\\./)+apps/inventory-dashboard/src/metrics/dashboard-metrics$',
          ],
        },
      ],
    },
  },
];
