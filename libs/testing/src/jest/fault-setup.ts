/**
 * Jest globalSetup for `*.fault-spec.ts`: starts (or attaches to) the
 * dedicated fault stack, and points every client in the run at it through
 * the same variables the apps read (`KAFKA_BROKERS`, `SCHEMA_REGISTRY_URL`).
 * Fault tests kill and restart this stack's processes; the shared stack of
 * the integration tests is never touched.
 */
import { FaultStack, faultStackLayout } from '../faults/fault-stack';

export default async function faultSetup(): Promise<void> {
  const stack = new FaultStack(faultStackLayout());
  process.stderr.write(
    `\n[eda/testing] fault stack: ${stack.endpoints.brokers.join(',')}, ${stack.endpoints.registryUrl}\n`,
  );
  await stack.up();
  Object.assign(process.env, stack.env);
}
