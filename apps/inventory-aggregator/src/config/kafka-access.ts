/**
 * What the aggregator does on Kafka, derived from its own settings and its
 * topology: the declaration `npm run acl:generate` turns into its KafkaUser's
 * ACLs (gitops/platform/kafka-cluster). The internal topics are read off the
 * topology the app runs (`Topology.internalTopicNames`, libs/streams' naming),
 * so a new store or repartition step changes the ACLs with it.
 *
 * As libs/streams runs it: the consumer group is the application id; the
 * repartition topics are read, written and purged after each commit (Delete);
 * changelogs are written and read back on restore; every internal topic's
 * configuration is verified (DescribeConfigs); under exactly-once each task's
 * producer uses the transactional id `<application.id>-<task>`; undecodable
 * input goes to the DLQ only with DESERIALIZATION_ERRORS=dead-letter.
 */
import { kafkaAccess as declare, type KafkaAccess } from '@eda/kafka';
import { Serdes, type Serde } from '@eda/streams';
import { buildInventoryTopology, type InventorySerdes } from '../topology/inventory-topology';
import { aggregatorSettingsFromEnv } from './aggregator.config';

/** The KafkaUser (and SASL user) the aggregator runs as. */
export const PRINCIPAL = 'inventory-aggregator';

/** Placeholder serdes: naming the internal topics needs the topology's shape, not its encoding. */
const shapeOnly = <T>(): Serde<T> => Serdes.Json<T>();

/** The internal topics the aggregator's topology uses under `applicationId`. */
export function internalTopics(env: NodeJS.ProcessEnv = {}): { repartition: string[]; changelog: string[] } {
  const s = aggregatorSettingsFromEnv(env);
  const serdes: InventorySerdes = {
    itemTransaction: shapeOnly(),
    itemInventory: shapeOnly(),
    storeInventory: shapeOnly(),
    storeSalesWindow: shapeOnly(),
  };
  return buildInventoryTopology(s, serdes).internalTopicNames(s.applicationId);
}

/** The aggregator's Kafka access for `env` (its defaults when empty). */
export function kafkaAccess(env: NodeJS.ProcessEnv = {}): KafkaAccess {
  const s = aggregatorSettingsFromEnv(env);
  const { repartition, changelog } = internalTopics(env);
  const internal = [...repartition, ...changelog];
  const deadLetter = s.deserializationErrors === 'dead-letter';
  return declare({
    principal: PRINCIPAL,
    description:
      'Stateful processor (libs/streams). Its consumer group is its application id; its ' +
      'repartition and changelog topics come from its topology; under exactly-once its ' +
      'transactional ids start with its application id. Undecodable input goes to the DLQ ' +
      '(DESERIALIZATION_ERRORS=dead-letter), inside the task transaction.',
    consumes: [s.topics.items, ...internal],
    produces: [
      s.topics.itemInventory,
      s.topics.storeInventory,
      s.topics.storeSales,
      ...(deadLetter ? [s.deadLetterTopic] : []),
      ...internal,
    ],
    purges: repartition,
    describeConfigs: internal,
    groups: [s.applicationId],
    transactionalIds: s.processingGuarantee === 'exactly_once_v2' ? [`${s.applicationId}-*`] : [],
    creates: s.createInternalTopics ? internal : [],
    deadLetters: deadLetter ? [{ deadLetterTopic: s.deadLetterTopic, originalTopic: s.topics.items }] : [],
  });
}
