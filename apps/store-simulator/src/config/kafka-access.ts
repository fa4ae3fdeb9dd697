/**
 * What the simulator does on Kafka, derived from its own settings: the
 * declaration `npm run acl:generate` turns into its KafkaUser's ACLs
 * (gitops/platform/kafka-cluster). Its Kafka backend writes to the same
 * `itemsTopic` setting.
 */
import { kafkaAccess as declare, type KafkaAccess } from '@eda/kafka';
import { simulatorSettingsFromEnv } from './simulator.config';

/** The KafkaUser (and SASL user) the simulator runs as. */
export const PRINCIPAL = 'store-simulator';

/** The simulator's Kafka access for `env` (its defaults when empty). */
export function kafkaAccess(env: NodeJS.ProcessEnv = {}): KafkaAccess {
  const s = simulatorSettingsFromEnv(env);
  return declare({
    principal: PRINCIPAL,
    description: 'Idempotent producer of ItemTransaction events.',
    produces: [s.itemsTopic],
  });
}
