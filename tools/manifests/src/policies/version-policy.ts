/**
 * One Kafka and one Apicurio version everywhere: the native stack pins them in
 * tools/stack/versions.env, and the Strimzi Kafka CR and the Apicurio image on
 * Kubernetes must match.
 */
import { describeObject, field, RenderedSet, Violation } from '../manifest';
import { podSpecOf } from './workload-policy';

const POLICY = 'versions';

/** Where the versions are pinned, relative to the repo root. */
export const STACK_VERSIONS_FILE = 'tools/stack/versions.env';

/** Parses KEY=VALUE lines (comments and blanks ignored). */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const [, key, value] = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line) ?? [];
    if (key !== undefined && value !== undefined) values[key] = value.trim().replace(/^"(.*)"$/, '$1');
  }
  return values;
}

/** The versions the manifests must use. */
export interface StackVersions {
  readonly kafka: string;
  readonly apicurio: string;
}

/** Reads KAFKA_VERSION and APICURIO_VERSION; throws when either is missing. */
export function stackVersions(envFile: string): StackVersions {
  const values = parseEnvFile(envFile);
  const kafka = values['KAFKA_VERSION'];
  const apicurio = values['APICURIO_VERSION'];
  if (!kafka || !apicurio) {
    throw new Error(`${STACK_VERSIONS_FILE} must set KAFKA_VERSION and APICURIO_VERSION`);
  }
  return { kafka, apicurio };
}

/** Checks every Kafka CR and every Apicurio Registry container. */
export function checkVersions(expected: StackVersions, sets: readonly RenderedSet[]): Violation[] {
  const violations: Violation[] = [];
  let kafkaCrs = 0;
  for (const set of sets) {
    for (const obj of set.objects) {
      const push = (message: string) =>
        violations.push({ policy: POLICY, source: set.source, object: describeObject(obj), message });
      if (obj.kind === 'Kafka' && obj.apiVersion.startsWith('kafka.strimzi.io/')) {
        kafkaCrs++;
        const version = field(obj, 'spec', 'kafka', 'version');
        if (version !== expected.kafka) {
          push(
            `spec.kafka.version is ${JSON.stringify(version)}, but ${STACK_VERSIONS_FILE} pins KAFKA_VERSION=${expected.kafka}`,
          );
        }
      }
      const containers = podSpecOf(obj)?.['containers'];
      for (const c of Array.isArray(containers) ? containers : []) {
        const image = String(field(c, 'image') ?? '');
        const m = /apicurio\/apicurio-registry(?:-[a-z]+)?:([^@]+)/.exec(image);
        if (m && m[1] !== expected.apicurio) {
          push(
            `runs Apicurio ${m[1]}, but ${STACK_VERSIONS_FILE} pins APICURIO_VERSION=${expected.apicurio}`,
          );
        }
      }
    }
  }
  if (kafkaCrs === 0 && sets.some((s) => s.env)) {
    violations.push({
      policy: POLICY,
      source: 'gitops/',
      object: 'Kafka',
      message: 'no Strimzi Kafka CR was rendered by any env overlay',
    });
  }
  return violations;
}
