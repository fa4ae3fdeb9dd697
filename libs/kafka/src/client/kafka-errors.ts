/**
 * Errors of the Kafka client layer, in the style of kafkajs's errors module:
 * one base class, a stable `code`, and a `retriable` flag. Whether an error is
 * worth retrying, kafkajs's own included, is `isRetriable` from `@eda/base`.
 */
import { EdaError } from '@eda/base';
import type { KafkaClientLibrary } from './kafka-client-config';

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

/**
 * A kafkajs feature the configured client library does not offer, refused by
 * name instead of behaving differently. Not retriable: change the call or use kafkajs.
 */
export class KafkaFeatureUnsupportedError extends KafkaClientError {
  constructor(
    readonly library: Exclude<KafkaClientLibrary, 'kafkajs'>,
    feature: string,
    hint = 'use KAFKA_CLIENT_LIBRARY=kafkajs for this client',
  ) {
    super(
      'EDA_KAFKA_UNSUPPORTED',
      `${feature} is not supported with KAFKA_CLIENT_LIBRARY=${library}; ${hint}.`,
    );
  }
}
