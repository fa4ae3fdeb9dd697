/**
 * Where the integration tests find Kafka and the schema registry.
 *
 * Defaults match the native stack (`npm run stack:up`). Point the tests at any
 * other cluster with the same variables the apps read.
 */
export interface StackEndpoints {
  /** Kafka bootstrap servers, e.g. `['127.0.0.1:9092']`. */
  readonly brokers: string[];
  /** Base URL of the Confluent-compatible registry API, without a trailing slash. */
  readonly registryUrl: string;
}

/** Reads `KAFKA_BROKERS` and `SCHEMA_REGISTRY_URL`, falling back to the native stack. */
export function stackEndpoints(env: NodeJS.ProcessEnv = process.env): StackEndpoints {
  const brokers = (env['KAFKA_BROKERS'] ?? `127.0.0.1:${env['EDA_KAFKA_PORT'] ?? '9092'}`)
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  const registryUrl = (
    env['SCHEMA_REGISTRY_URL'] ?? `http://127.0.0.1:${env['EDA_REGISTRY_PORT'] ?? '8081'}/apis/ccompat/v7`
  ).replace(/\/+$/, '');
  return { brokers, registryUrl };
}
