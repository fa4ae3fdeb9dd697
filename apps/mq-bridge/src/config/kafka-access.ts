/**
 * What the bridge does on Kafka, derived from its own settings: the
 * declaration `npm run acl:generate` turns into its KafkaUser's ACLs
 * (gitops/platform/kafka-cluster). The bridge produces to ITEMS_TOPIC,
 * read by the same function its settings use.
 */
import { kafkaAccess as declare, type KafkaAccess } from '@eda/kafka';
import { itemsTopicFromEnv } from './bridge.config';

/** The KafkaUser (and SASL user) the bridge runs as. */
export const PRINCIPAL = 'mq-bridge';

/** The bridge's Kafka access for `env` (its defaults when empty). */
export function kafkaAccess(env: NodeJS.ProcessEnv = {}): KafkaAccess {
  return declare({
    principal: PRINCIPAL,
    description: 'Moves IBM MQ messages to the items topic; commits MQ after Kafka acks.',
    produces: [itemsTopicFromEnv(env)],
  });
}
