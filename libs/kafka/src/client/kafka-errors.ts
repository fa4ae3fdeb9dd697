/**
 * Errors of the Kafka client layer, in the style of kafkajs's errors module:
 * one base class, a stable `code`, and a `retriable` flag. Whether an error is
 * worth retrying, kafkajs's own included, is `isRetriable` from `@eda/base`.
 */
import { EdaError } from '@eda/base';

/** Base class of the errors `@eda/kafka` client code throws: an {@link EdaError}. */
export class KafkaClientError extends EdaError {}

/** A Kafka client variable is missing or malformed. Not retriable: fix the environment and restart. */
export class KafkaConfigError extends KafkaClientError {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super('EDA_KAFKA_CONFIG', `${variable} ${detail}. Fix the environment and restart.`);
  }
}
