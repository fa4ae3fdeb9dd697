/**
 * Every error this library throws extends {@link StreamsError}: one prefix
 * (`StreamsError:` in the name chain), a stable `code`, and a `retriable`
 * flag, in the manner of kafkajs' `KafkaJSError`. Messages say what to do.
 * The base is `@eda/base`'s `EdaError`, shared by every library.
 */
import { EdaError } from '@eda/base';

/** Base class of every error thrown by `@eda/streams`. */
export class StreamsError extends EdaError {
  constructor(message: string, options: { code: string; retriable?: boolean; cause?: unknown }) {
    super(options.code, message, options);
  }
}

/** The topology is invalid (unknown parent, duplicate name, missing store...). Fix the code that builds it. */
export class TopologyError extends StreamsError {
  constructor(message: string) {
    super(message, { code: 'STREAMS_TOPOLOGY' });
  }
}

/** A configuration value is missing or invalid. Raised once, at construction or start-up. */
export class StreamsConfigError extends StreamsError {
  constructor(message: string) {
    super(message, { code: 'STREAMS_CONFIG' });
  }
}

/**
 * Topics that must be co-partitioned (read by one task) have different
 * partition counts. Kafka Streams raises `TopologyException` here; so do we,
 * before any record is processed.
 */
export class CoPartitioningError extends StreamsError {
  constructor(message: string) {
    super(message, { code: 'STREAMS_COPARTITIONING' });
  }
}

/** An internal topic is missing or misconfigured while `internal.topics.create=false`. */
export class InternalTopicError extends StreamsError {
  constructor(message: string) {
    super(message, { code: 'STREAMS_INTERNAL_TOPIC' });
  }
}

/**
 * The dead-letter topic (`errors.dead.letter.queue.topic.name`) does not exist.
 * It is a user topic, as in Kafka Streams (KIP-1034): the application never
 * creates it, whatever `internal.topics.create` says. Create or declare it
 * (e.g. as a KafkaTopic), then start again.
 */
export class DeadLetterTopicError extends StreamsError {
  /** The missing topic. */
  readonly topic: string;

  constructor(topic: string) {
    super(
      `Dead-letter topic '${topic}' (errors.dead.letter.queue.topic.name) does not exist. ` +
        `Create it (it is a user topic: the application never creates it), or unset the option.`,
      { code: 'STREAMS_DEAD_LETTER_TOPIC' },
    );
    this.topic = topic;
  }
}

/**
 * The task now belongs to another instance (its producer was fenced, or a
 * rebalance revoked it). Retriable: the instance drops the task's uncommitted
 * work and carries on with its remaining tasks.
 */
export class TaskMigratedError extends StreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'STREAMS_TASK_MIGRATED', retriable: true, cause });
  }
}

/** A state store is not available: unknown name, or not yet restored (retry after the instance is RUNNING). */
export class InvalidStateStoreError extends StreamsError {
  constructor(message: string, retriable = false) {
    super(message, { code: 'STREAMS_INVALID_STATE_STORE', retriable });
  }
}

/** The instance is in a state that does not allow the call (e.g. `start()` twice). */
export class IllegalStateError extends StreamsError {
  constructor(message: string) {
    super(message, { code: 'STREAMS_ILLEGAL_STATE' });
  }
}

/** A record could not be (de)serialized; carries the topic so the caller can route it to a DLQ. */
export class SerializationError extends StreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'STREAMS_SERIALIZATION', cause });
  }
}

/** Processing failed for a reason the engine cannot recover from; the instance goes to ERROR. */
export class StreamsFatalError extends StreamsError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'STREAMS_FATAL', cause });
  }
}
