/**
 * @eda/kafka: Kafka concerns shared by every app.
 *
 * The topic catalog is read from the Strimzi KafkaTopic files in `gitops/`,
 * the single source of truth for topics on every platform.
 */
export {
  loadTopicCatalog,
  parseKafkaTopic,
  replicationFor,
  configFor,
  TopicCatalogError,
  TOPIC_CATALOG_DIR,
  type TopicDeclaration,
} from './topics/topic-catalog';
export { reconcileTopics, type TopicReconcileResult } from './topics/topic-reconciler';
