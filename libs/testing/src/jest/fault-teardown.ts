/** Jest globalTeardown for `*.fault-spec.ts`: stops the fault stack unless `EDA_STACK_KEEP=true`. */
import { FaultStack, faultStackLayout } from '../faults/fault-stack';

export default async function faultTeardown(): Promise<void> {
  if (process.env['EDA_STACK_KEEP'] === 'true') return;
  await new FaultStack(faultStackLayout()).down();
}
