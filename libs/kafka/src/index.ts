/**
 * @eda/kafka: Kafka concerns shared by every app.
 *
 * Client settings come from the environment (`kafkaConfigFromEnv`), and every
 * app builds its clients with the same factories and reports them through the
 * same health indicators; failed records go through the same retry topics and
 * DLQ, and each app declares the Kafka access it needs (`kafkaAccess`).
 *
 * Tooling has its own entry points, so this runtime API stays small:
 * `@eda/kafka/topics` (the topic catalog read from the Strimzi KafkaTopic
 * files in `gitops/`, and topic reconciliation) and `@eda/kafka/acls` (ACL
 * rules from access declarations, and KafkaUser files applied to a cluster).
 */

export { KafkaClientError, KafkaConfigError, KafkaFeatureUnsupportedError } from './client/kafka-errors';
/**
 * Re-exported from `@eda/base`, the one home of the error base: true unless the
 * error's `retriable` flag (seen through kafkajs's retrier wrappers) says
 * otherwise; pass `false` as the second argument to treat unflagged errors as fatal.
 */
export { isRetriable } from '@eda/base';
export {
  DEFAULT_KAFKA_BROKERS,
  KAFKA_CLIENT_LIBRARIES,
  SASL_MECHANISMS,
  describeKafkaConfig,
  kafkaConfigFromEnv,
  toKafkaJsConfig,
  type KafkaClientConfig,
  type KafkaClientLibrary,
  type KafkaTlsConfig,
  type SaslMechanism,
} from './client/kafka-client-config';
export {
  ACKS_ALL,
  IDEMPOTENT_PRODUCER_CONFIG,
  createConsumer,
  createIdempotentProducer,
  createKafkaClient,
  kafkaLogCreator,
  routineKafkaLogReason,
  type KafkaClientOptions,
  type KafkaLogSink,
} from './client/kafka-client-factory';
export { kafkaLogSinkFrom, type StructuredMessageLogger } from './client/kafka-log-sink';
export {
  BackgroundConnector,
  DEFAULT_RECONNECT_DELAY_MS,
  type BackgroundConnectorOptions,
  type ConnectableClient,
} from './client/background-connector';
export {
  CONFLUENT_CLIENT_VERSION,
  KafkaClientLibraryUnavailableError,
  confluentClientDir,
} from './client/confluent/confluent-loader';
export { ClientStateProbe, type ClientState, type ClientStateSnapshot } from './health/client-state-probe';
export {
  DEFAULT_KAFKA_HEALTH_TIMEOUT_MS,
  KafkaHealthIndicator,
  kafkaHealthIndicatorProvider,
} from './health/kafka-health.indicator';

export {
  FailureHeaders,
  STREAMS_ERROR_HEADER_PREFIX,
  MAX_ERROR_MESSAGE_LENGTH,
  failureHeaders,
  headerText,
  readFailureHeaders,
  withoutFailureHeaders,
  type FailureInfo,
  type OriginalRecordRef,
} from './dead-letter/dead-letter-headers';
export { RetryTopology, type FailureRoute } from './dead-letter/retry-topology';
export {
  FailedRecordRouter,
  type FailedRecord,
  type RoutedFailure,
} from './dead-letter/failed-record-router';
export { waitUntilDue, type WaitUntilDueOptions } from './dead-letter/retry-delay';
export { OffsetCommitter } from './consumer/offset-committer';
export { ConsumerProgress, type ProgressReport } from './consumer/consumer-progress';
export {
  replayDeadLetters,
  type DeadLetterFilter,
  type ReplayedRecord,
  type ReplayOptions,
} from './dead-letter/dead-letter-replayer';
export {
  KafkaAccessDeclarationError,
  deadLetterReplayAccess,
  kafkaAccess,
  type AclCategory,
  type DeadLetterRoute,
  type KafkaAccess,
} from './access/kafka-access';
