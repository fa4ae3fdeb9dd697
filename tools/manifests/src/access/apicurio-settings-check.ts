/**
 * The registry's Kafka access is declared once (./apicurio-registry-access.ts,
 * APICURIO_KAFKA_SETTINGS). This check holds every rendered Apicurio with
 * KafkaSQL storage to it: the topic names and group prefix its env sets (or
 * Apicurio's defaults where unset) must be those the generated ACLs grant.
 */
import { describeObject, field, isObject, RenderedSet, Violation } from '../manifest';
import { podSpecOf } from '../policies/workload-policy';
import { APICURIO_KAFKA_SETTINGS, type ApicurioKafkaSettings } from './apicurio-registry-access';

const POLICY = 'app-kafka-usage';

/** Apicurio's variables for the settings, and its own defaults (KafkaSqlConfiguration). */
const VARIABLES: Record<keyof ApicurioKafkaSettings, { variable: string; apicurioDefault: string }> = {
  journalTopic: { variable: 'APICURIO_KAFKASQL_TOPIC', apicurioDefault: 'kafkasql-journal' },
  snapshotsTopic: { variable: 'APICURIO_KAFKASQL_SNAPSHOTS_TOPIC', apicurioDefault: 'kafkasql-snapshots' },
  eventsTopic: { variable: 'APICURIO_EVENTS_KAFKA_TOPIC', apicurioDefault: 'registry-events' },
  groupPrefix: { variable: 'APICURIO_KAFKASQL_CONSUMER_GROUP_PREFIX', apicurioDefault: 'apicurio-' },
};

/** Checks each KafkaSQL Apicurio container's env against the declared settings. */
export function checkApicurioKafkaSettings(
  sets: readonly RenderedSet[],
  declared: ApicurioKafkaSettings = APICURIO_KAFKA_SETTINGS,
): Violation[] {
  const violations: Violation[] = [];
  for (const set of sets) {
    for (const obj of set.objects) {
      for (const container of (podSpecOf(obj)?.['containers'] as unknown[] | undefined) ?? []) {
        const env = new Map<string, string>();
        const list = field(container, 'env');
        for (const e of Array.isArray(list) ? list : [])
          if (isObject(e) && typeof e['name'] === 'string' && typeof e['value'] === 'string')
            env.set(e['name'], e['value']);
        if (env.get('APICURIO_STORAGE_KIND') !== 'kafkasql') continue;
        for (const [key, { variable, apicurioDefault }] of Object.entries(VARIABLES)) {
          const value = env.get(variable) ?? apicurioDefault;
          const expected = declared[key as keyof ApicurioKafkaSettings];
          if (value !== expected)
            violations.push({
              policy: POLICY,
              source: set.source,
              object: describeObject(obj),
              message:
                `${variable} is "${value}"${env.has(variable) ? '' : " (Apicurio's default)"}, but the registry's ` +
                `ACLs are generated for "${expected}" (tools/manifests/src/access/apicurio-registry-access.ts)`,
            });
        }
      }
    }
  }
  return violations;
}
