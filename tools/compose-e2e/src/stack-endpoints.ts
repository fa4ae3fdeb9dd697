/**
 * The host addresses of the compose stack: only published ports, each
 * overridable by the same variable docker-compose.yml reads (CI moves them to
 * 2xxxx so they never meet the native stack's 9092, 8081 and 3000-3003).
 */
import { readIntegerEnv } from '@eda/base';

/** Host port of a compose service, from its `EDA_*_PORT` variable or the file's default. */
function port(variable: string, fallback: number): number {
  return readIntegerEnv(
    process.env,
    variable,
    { fallback, min: 1, max: 65_535 },
    (name, _detail, raw) => new RangeError(`${name}=${raw} is not a port number`),
  );
}

/** Where the tests reach each published service. */
export interface ComposeEndpoints {
  readonly kafka: string;
  readonly registry: string;
  readonly simulator: string;
  readonly aggregator: string;
  readonly dashboard: string;
}

/** The endpoints for the current environment. */
export function composeEndpoints(): ComposeEndpoints {
  const host = '127.0.0.1';
  return {
    kafka: `${host}:${port('EDA_KAFKA_PORT', 9092)}`,
    registry: `http://${host}:${port('EDA_REGISTRY_PORT', 8081)}/apis/ccompat/v7`,
    simulator: `http://${host}:${port('EDA_SIMULATOR_PORT', 3001)}`,
    aggregator: `http://${host}:${port('EDA_AGGREGATOR_PORT', 3002)}`,
    dashboard: `http://${host}:${port('EDA_DASHBOARD_PORT', 3000)}`,
  };
}
