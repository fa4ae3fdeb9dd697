/**
 * @eda/mq: IBM MQ for NestJS.
 *
 * - {@link MqQueueManager}: a promise-based connection to a queue manager over the `ibmmq` driver, which is
 *   loaded on first use only (`loadIbmMq`), so nothing else needs the MQ C client;
 * - {@link ServerMQ}: a transport strategy consuming a queue in batches under
 *   syncpoint, committing after the handlers succeeded, moving poison
 *   messages to the backout queue, reconnecting with backoff;
 * - {@link ClientMQ}: a `ClientProxy` that puts to queues;
 * - the reason-code table that says what to do after each MQ error;
 * - W3C trace context in MQ message properties.
 *
 * The test double of `ibmmq` is at `@eda/mq/testing`.
 */
export type {
  IbmMqDriver,
  MqConstants,
  MqDriverError,
  MqHConn,
  MqHMsg,
  MqHObj,
} from './external/ibmmq.interface';
export { loadIbmMq, type ModuleLoader } from './driver/ibmmq-loader';
export {
  isMqConnectionLost,
  MqConfigError,
  MqDriverUnavailableError,
  MqNotConnectedError,
  MqOperationError,
  MqTransportError,
  toMqError,
} from './errors/mq-errors';
export { classifyReason, REASON_TABLE, type ReasonAction, type ReasonClass } from './errors/reason-codes';
export {
  describeMqConnection,
  mqConnectionConfigFromEnv,
  type MqConnectionConfig,
} from './client/mq-connection-config';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './client/backoff';
export type { MqMessage, MqOutgoingMessage, MqPropertyValue } from './client/mq-message';
export {
  MqQueueManager,
  TRACE_PROPERTY_NAMES,
  type MqQueueManagerOptions,
  type MqGetOptions,
  type MqQueue,
} from './client/mq-queue-manager';
export { ClientMQ, type ClientMqStatus, type ClientMqOptions } from './client/client-mq';
export {
  ServerMQ,
  type MqBatchReport,
  type MqServerEvents,
  type MqServerOptions,
  type MqServerStatus,
  type MqSinkState,
} from './server/server-mq';
export { MqContext } from './server/mq-context';
export { MqMessageDeserializer } from './server/mq-deserializer';
export {
  isPoison,
  isSinkUnavailable,
  MqPoisonMessageException,
  MqRetriableException,
  MqSinkUnavailableException,
} from './server/mq-exceptions';
export { classifyHandlerFailure, type HandlerFailureClass } from './server/handler-failure';
export { BACKOUT_PROPERTIES, BACKOUT_REASONS, backoutMessage } from './server/backout-message';
export {
  extractMqTraceContext,
  injectMqTraceProperties,
  kafkaTraceHeadersFromMq,
  TRACE_PROPERTIES,
} from './propagation/mq-trace-properties';
