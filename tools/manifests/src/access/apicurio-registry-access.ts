/**
 * Apicurio Registry 3.3.x with KafkaSQL storage, as gitops/platform/schema-registry
 * deploys it. Not our code, so its needs are declared here, from Apicurio's
 * configuration (KafkaSqlConfiguration): the journal `apicurio.kafkasql.topic`
 * (default `kafkasql-journal`), the snapshots `apicurio.kafkasql.snapshots.topic`
 * (`kafkasql-snapshots`), the events `apicurio.events.kafka.topic`
 * (`registry-events`), one consumer group per instance and consumer under
 * `apicurio.kafkasql.consumer.group-prefix` (Apicurio's default `apicurio-`;
 * ours `apicurio-registry-`, APICURIO_KAFKASQL_CONSUMER_GROUP_PREFIX).
 * At start-up KafkaSqlRegistryStorage reads the configuration of all three
 * topics (describeConfigs) to verify their retention; it never creates them
 * here (APICURIO_KAFKASQL_TOPIC_AUTO_CREATE=false: they are KafkaTopics).
 */
import { kafkaAccess, type KafkaAccess } from '@eda/kafka';

/** The KafkaUser the registry authenticates as. */
export const APICURIO_PRINCIPAL = 'apicurio-registry';

/** Apicurio's settings that name Kafka resources, with the values we deploy. */
export interface ApicurioKafkaSettings {
  readonly journalTopic: string;
  readonly snapshotsTopic: string;
  readonly eventsTopic: string;
  readonly groupPrefix: string;
}

/** What gitops/platform/schema-registry and tools/stack configure. */
export const APICURIO_KAFKA_SETTINGS: ApicurioKafkaSettings = {
  journalTopic: 'kafkasql-journal',
  snapshotsTopic: 'kafkasql-snapshots',
  eventsTopic: 'registry-events',
  groupPrefix: 'apicurio-registry-',
};

/** The registry's access. */
export function apicurioRegistryAccess(s: ApicurioKafkaSettings = APICURIO_KAFKA_SETTINGS): KafkaAccess {
  const topics = [s.journalTopic, s.snapshotsTopic, s.eventsTopic];
  return kafkaAccess({
    principal: APICURIO_PRINCIPAL,
    description:
      'Apicurio Registry KafkaSQL storage: writes and replays its journal and snapshots, ' +
      'publishes storage events, verifies the three topics configuration at start-up, one ' +
      'consumer group per instance and consumer under its group prefix.',
    consumes: [s.journalTopic, s.snapshotsTopic],
    produces: topics,
    describeConfigs: topics,
    groups: [`${s.groupPrefix}*`],
  });
}
