/**
 * What the dashboard and the operator's DLQ replay (`npm run dlq:replay`, in
 * this app's cli/) do on Kafka, derived from their own settings: the
 * declarations `npm run acl:generate` turns into the KafkaUsers'
 * ACLs (gitops/platform/kafka-cluster). The retry topics come from
 * {@link retryTopologyOf}, the same object the consumer routes failures with.
 */
import {
  deadLetterReplayAccess,
  kafkaAccess as declare,
  RetryTopology,
  type DeadLetterRoute,
  type KafkaAccess,
} from '@eda/kafka';
import type { InventoryAlert, StoreInventory } from '@eda/events';
import { Serdes } from '@eda/streams';
import { buildAlertsTopology } from '../alerts/alerts-topology';
import { dashboardSettingsFromEnv, DashboardConfigError, type DashboardSettings } from './dashboard.config';

/** The KafkaUser (and SASL user) the dashboard runs as. */
export const PRINCIPAL = 'inventory-dashboard';
/** The KafkaUser the DLQ replay CLI runs as. */
export const DLQ_REPLAYER_PRINCIPAL = 'dlq-replayer';

/** The retry levels and names the dashboard's consumer uses (consumer/dashboard-kafka.ts). */
export function retryTopologyOf(
  settings: Pick<DashboardSettings, 'applicationId' | 'retryBackoffMs'>,
): RetryTopology {
  return RetryTopology.of(settings.applicationId, settings.retryBackoffMs);
}

/** The alerting topology's internal topics (libs/streams' naming, read off the topology itself). */
export function alertingInternalTopics(settings: DashboardSettings): {
  repartition: string[];
  changelog: string[];
} {
  const shapeOnly = { storeInventory: Serdes.Json<StoreInventory>(), alert: Serdes.Json<InventoryAlert>() };
  return buildAlertsTopology(settings, shapeOnly).internalTopicNames(settings.alerting.groupId);
}

/** The dashboard's Kafka access for `env` (its defaults when empty). */
export function kafkaAccess(env: NodeJS.ProcessEnv = {}): KafkaAccess {
  const s = dashboardSettingsFromEnv(env);
  const retry = retryTopologyOf(s);
  const inputs = [s.topics.itemInventory, s.topics.storeInventory, s.topics.storeSales];
  const retries = inputs.flatMap((t) => retry.retryTopics(t));
  // Per-start groups `<id>-<host>-<start>` and `...-alerts` share the `<id>-` prefix;
  // the alerting topology's group (its application id) is covered by it when it starts with it.
  const groupPrefix = `${s.applicationId}-`;
  const alerting = s.alerting.groupId.startsWith(groupPrefix) ? [] : [s.alerting.groupId];
  const { changelog } = alertingInternalTopics(s);
  return declare({
    principal: PRINCIPAL,
    description:
      'Rebuilds its view from the compacted topics on every start (fresh groups under its ' +
      'application id) and follows the alerts topic for the page. Raises alerts with a ' +
      'libs/streams topology (exactly-once) shared by all replicas: its group is ALERTS_GROUP_ID, ' +
      'its transactional ids and changelog start with it. Failed records go through its retry ' +
      'topics to the DLQs.',
    consumes: [...inputs, s.topics.alerts, ...retries, ...changelog],
    produces: [s.topics.alerts, ...inputs.map((t) => retry.deadLetterTopic(t)), ...retries, ...changelog],
    describeConfigs: changelog,
    groups: [`${groupPrefix}*`, ...alerting],
    transactionalIds: [`${s.alerting.groupId}-*`],
    creates: s.alerting.createInternalTopics ? changelog : [],
    deadLetters: inputs.map((t) => ({ deadLetterTopic: retry.deadLetterTopic(t), originalTopic: t })),
  });
}

/** The group prefix of the DLQ replay's throw-away groups (DLQ_REPLAY_GROUP_PREFIX). */
export function replayGroupPrefix(env: NodeJS.ProcessEnv = process.env): string {
  const prefix = env['DLQ_REPLAY_GROUP_PREFIX'] || DLQ_REPLAYER_PRINCIPAL;
  if (!/^[A-Za-z0-9._-]+$/.test(prefix))
    throw new DashboardConfigError('DLQ_REPLAY_GROUP_PREFIX', `is not usable in a group name: "${prefix}"`);
  return prefix;
}

/**
 * The operators' principals this app's code runs as: the DLQ replay, which
 * reads every DLQ of the pipeline (`routes`, from all apps' declarations)
 * and writes the records back to their original topics.
 */
export function operatorAccess(
  routes: readonly DeadLetterRoute[],
  env: NodeJS.ProcessEnv = {},
): KafkaAccess[] {
  return [
    deadLetterReplayAccess(
      DLQ_REPLAYER_PRINCIPAL,
      "The operator's dead-letter replay (npm run dlq:replay, an interactive tool, not a " +
        'workload): reads a DLQ with a throw-away group and re-publishes its records to their ' +
        'original topics.',
      replayGroupPrefix(env),
      routes,
    ),
  ];
}
