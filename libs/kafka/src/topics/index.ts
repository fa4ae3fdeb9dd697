/**
 * @eda/kafka/topics: the topic catalog, for tooling (the native stack's topic
 * creation, compose checks, tests that every topic the code uses is declared).
 *
 * The Strimzi `KafkaTopic` files in `gitops/` are the single source of truth
 * for topics; {@link loadTopicCatalog} reads them and {@link reconcileTopics}
 * creates what a cluster lacks. Apps never read the catalog at run time (on
 * Kubernetes the Topic Operator owns topics), so this is not in `@eda/kafka`.
 */
export {
  loadTopicCatalog,
  parseKafkaTopic,
  replicationFor,
  configFor,
  TopicCatalogError,
  TOPIC_CATALOG_DIR,
  type TopicDeclaration,
} from './topic-catalog';
export { reconcileTopics, type TopicReconcileResult } from './topic-reconciler';
