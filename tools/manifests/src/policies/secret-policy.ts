/**
 * No credentials in git: a rendered `Secret` may not carry `data` or
 * `stringData`. Secrets come from SealedSecrets (decrypted in-cluster) or
 * from operators (Strimzi writes one per KafkaUser).
 */
import { describeObject, isObject, RenderedSet, Violation } from '../manifest';

/** Flags every Secret with data in the rendered sets. */
export function checkNoPlaintextSecrets(sets: readonly RenderedSet[]): Violation[] {
  const violations: Violation[] = [];
  for (const set of sets) {
    for (const obj of set.objects) {
      if (obj.kind !== 'Secret' || obj.apiVersion !== 'v1') continue;
      const keys = ['data', 'stringData'].filter(
        (k) => isObject(obj[k]) && Object.keys(obj[k] as object).length > 0,
      );
      if (keys.length > 0) {
        violations.push({
          policy: 'secrets',
          source: set.source,
          object: describeObject(obj),
          message: `commits ${keys.join(' and ')} in plain text; seal it with kubeseal (docs/gitops.md) and commit the SealedSecret`,
        });
      }
    }
  }
  return violations;
}
