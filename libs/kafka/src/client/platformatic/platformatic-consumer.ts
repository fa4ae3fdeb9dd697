/**
 * A kafkajs `Consumer` over @platformatic/kafka's consumer. kafkajs pushes
 * records into `eachMessage`/`eachBatch` and commits what they resolved;
 * @platformatic/kafka hands out a Node stream of records and commits either
 * on a timer (whatever was fetched, processed or not) or when told. The
 * facade turns its own auto-commit off, reads the stream, and drives the
 * kafkajs handlers itself (see {@link StreamRunner}), so a record's offset is
 * committed only after its handler resolved it: at-least-once, as kafkajs.
 *
 * `fromBeginning` becomes the stream's fallback when the group has no
 * committed offset (earliest or latest); the stream takes one fallback for all
 * its topics, so subscriptions that differ in it are refused.
 */
import { EventEmitter } from 'node:events';
import type {
  Consumer,
  ConsumerConfig,
  ConsumerRunConfig,
  ConsumerSubscribeTopic,
  ConsumerSubscribeTopics,
  TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import type * as Platformatic from '@platformatic/kafka';
import { KafkaClientError, KafkaFeatureUnsupportedError } from '../kafka-errors';
import type { KafkaLogSink } from '../kafka-log-sink';
import { routePlatformaticEvents } from './platformatic-events';
import type { PlatformaticBaseOptions, PlatformaticModule } from './platformatic-kafka';
import { StreamRunner, type CommitTarget } from './platformatic-stream-runner';

/** kafkajs's consumer event names; the facade emits {@link EMITTED_EVENTS} and refuses the others by name. */
const CONSUMER_EVENTS = {
  HEARTBEAT: 'consumer.heartbeat',
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  GROUP_JOIN: 'consumer.group_join',
  FETCH_START: 'consumer.fetch_start',
  FETCH: 'consumer.fetch',
  START_BATCH_PROCESS: 'consumer.start_batch_process',
  END_BATCH_PROCESS: 'consumer.end_batch_process',
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  STOP: 'consumer.stop',
  CRASH: 'consumer.crash',
  REBALANCING: 'consumer.rebalancing',
  RECEIVED_UNSUBSCRIBED_TOPICS: 'consumer.received_unsubscribed_topics',
  REQUEST: 'consumer.network.request',
  REQUEST_TIMEOUT: 'consumer.network.request_timeout',
  REQUEST_QUEUE_SIZE: 'consumer.network.request_queue_size',
} as const;

/** The lifecycle events `ClientStateProbe` follows, which the facade emits. */
const EMITTED_EVENTS: ReadonlySet<string> = new Set([
  CONSUMER_EVENTS.CONNECT,
  CONSUMER_EVENTS.GROUP_JOIN,
  CONSUMER_EVENTS.REBALANCING,
  CONSUMER_EVENTS.STOP,
  CONSUMER_EVENTS.DISCONNECT,
  CONSUMER_EVENTS.CRASH,
]);

function unsupported(feature: string, hint?: string): KafkaFeatureUnsupportedError {
  return new KafkaFeatureUnsupportedError('platformatic', feature, hint);
}

/** kafkajs's consumer defaults, so switching library does not change group timing or fetch sizes. */
function consumerOptions(
  base: PlatformaticBaseOptions,
  config: ConsumerConfig,
): Platformatic.ConsumerOptions<Buffer, Buffer, Buffer, Buffer> {
  return {
    ...base,
    groupId: config.groupId,
    // Commits are the facade's, after the handler resolved the offsets; see StreamRunner.
    autocommit: false,
    sessionTimeout: config.sessionTimeout ?? 30_000,
    rebalanceTimeout: config.rebalanceTimeout ?? 60_000,
    heartbeatInterval: config.heartbeatInterval ?? 3_000,
    maxWaitTime: config.maxWaitTimeInMs ?? 5_000,
    minBytes: config.minBytes ?? 1,
    maxBytes: config.maxBytes ?? 10_485_760,
    maxBytesPerPartition: config.maxBytesPerPartition ?? 1_048_576,
    // FetchIsolationLevels: READ_UNCOMMITTED 0, READ_COMMITTED 1 (kafkajs's default).
    isolationLevel: config.readUncommitted ? 0 : 1,
    autocreateTopics: config.allowAutoTopicCreation ?? true,
    ...(config.retry?.retries !== undefined ? { retries: config.retry.retries } : {}),
    ...(config.rackId ? { clientRack: config.rackId } : {}),
    ...(config.metadataMaxAge !== undefined ? { metadataMaxAge: config.metadataMaxAge } : {}),
    ...(config.maxInFlightRequests ? { maxInflights: config.maxInFlightRequests } : {}),
  };
}

/** Builds the facade; nothing touches the network before `connect()`. */
export function platformaticConsumer(
  lib: PlatformaticModule,
  base: PlatformaticBaseOptions,
  config: ConsumerConfig,
  sink?: KafkaLogSink,
): Consumer {
  if (config.partitionAssigners) throw unsupported('custom partitionAssigners');
  const emitter = new EventEmitter();
  const emit = (type: string, payload: Record<string, unknown> = {}) =>
    emitter.emit(type, { id: 0, type, timestamp: Date.now(), payload });
  let client: Platformatic.Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  let runner: StreamRunner | undefined;
  const topics = new Set<string>();
  let fromBeginning: boolean | undefined;
  const current = () => {
    if (!client) throw new KafkaClientError('EDA_KAFKA_STATE', 'consumer used before connect()');
    return client;
  };
  // Bound to one client: a runner stopped by disconnect() commits on the client it read from.
  const commitOn =
    (owner: Platformatic.Consumer<Buffer, Buffer, Buffer, Buffer>) => async (targets: CommitTarget[]) => {
      await owner.commit({ offsets: targets.map((t) => ({ ...t, leaderEpoch: -1 })) });
    };
  /**
   * Stops the runner, then does `after`. From inside one of its handlers (kafkajs allows
   * `stop()` and `disconnect()` there) this returns at once and both happen once the handler returned.
   */
  const stopThen = async (after: () => Promise<void> = async () => undefined) => {
    const stopping = runner;
    runner = undefined;
    const done = (async () => {
      if (stopping) {
        await stopping.stop();
        emit(CONSUMER_EVENTS.STOP);
      }
      await after();
    })();
    if (stopping?.calledFromHandler()) {
      done.catch((error: unknown) =>
        sink?.error(
          { kafka: { library: 'platformatic', error: String(error) } },
          'stopping the consumer failed',
        ),
      );
      return;
    }
    await done;
  };

  const consumer = {
    events: CONSUMER_EVENTS,
    on(event: string, listener: (event: unknown) => void) {
      if (!EMITTED_EVENTS.has(event)) {
        throw unsupported(`the consumer event ${event}`);
      }
      emitter.on(event, listener);
      return () => emitter.off(event, listener);
    },
    async connect() {
      if (client) return;
      const created = new lib.Consumer<Buffer, Buffer, Buffer, Buffer>(consumerOptions(base, config));
      routePlatformaticEvents(created, 'consumer', sink);
      created.on('consumer:group:join', (p: Platformatic.ConsumerGroupJoinPayload) =>
        emit(CONSUMER_EVENTS.GROUP_JOIN, {
          groupId: p.groupId,
          memberId: p.memberId,
          isLeader: p.isLeader,
          memberAssignment: Object.fromEntries((p.assignments ?? []).map((a) => [a.topic, a.partitions])),
        }),
      );
      created.on('consumer:group:rebalance', (p: Platformatic.ConsumerGroupRebalancePayload) =>
        emit(CONSUMER_EVENTS.REBALANCING, { groupId: p.groupId, memberId: created.memberId }),
      );
      try {
        await created.listApis();
      } catch (err) {
        await created.close().catch(() => undefined);
        throw err;
      }
      client = created;
      emit(CONSUMER_EVENTS.CONNECT);
    },
    async subscribe(subscription: ConsumerSubscribeTopics | ConsumerSubscribeTopic) {
      current();
      if (runner) {
        throw new KafkaClientError('EDA_KAFKA_STATE', 'subscribe() while the consumer runs; stop() it first');
      }
      const named = 'topics' in subscription ? subscription.topics : [subscription.topic];
      if (named.some((t) => typeof t !== 'string')) {
        throw unsupported('subscribing to topics by RegExp', 'name the topics');
      }
      const wanted = subscription.fromBeginning ?? false;
      if (fromBeginning !== undefined && fromBeginning !== wanted) {
        throw unsupported('subscriptions that differ in fromBeginning', 'use one consumer per setting');
      }
      fromBeginning = wanted;
      for (const topic of named as string[]) topics.add(topic);
    },
    async run(runConfig: ConsumerRunConfig = {}) {
      if (runner) return;
      if ((runConfig.partitionsConsumedConcurrently ?? 1) > 1) {
        throw unsupported(
          'partitionsConsumedConcurrently above 1',
          'partitions are handled one at a time; run more consumers in the group for concurrency',
        );
      }
      if (!runConfig.eachBatch && !runConfig.eachMessage) {
        throw new KafkaClientError('EDA_KAFKA_STATE', 'run() needs eachMessage or eachBatch');
      }
      if (topics.size === 0) throw new KafkaClientError('EDA_KAFKA_STATE', 'run() before subscribe()');
      const owner = current();
      const stream = await owner.consume({
        topics: [...topics],
        mode: 'committed',
        fallbackMode: fromBeginning ? 'earliest' : 'latest',
        autocommit: false,
      });
      runner = new StreamRunner(stream, runConfig, {
        retries: base.retries === undefined || typeof base.retries === 'boolean' ? 5 : base.retries,
        commit: commitOn(owner),
        sink,
        onCrash: (error) => {
          runner = undefined;
          emit(CONSUMER_EVENTS.CRASH, { error, groupId: config.groupId, restart: false });
        },
      });
    },
    async commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]) {
      if (offsets.some((o) => o.metadata !== undefined && o.metadata !== null)) {
        throw unsupported('commit metadata');
      }
      const targets = offsets.map((o) => ({
        topic: o.topic,
        partition: o.partition,
        offset: BigInt(o.offset),
      }));
      await commitOn(current())(targets);
      runner?.committed(targets);
    },
    stop: () => stopThen(),
    async disconnect() {
      const closing = client;
      client = undefined;
      await stopThen(async () => {
        if (!closing) return;
        await closing.close();
        emit(CONSUMER_EVENTS.DISCONNECT);
      });
    },
    seek: () => {
      throw unsupported('Consumer.seek()', 'commit the offset with commitOffsets() and restart the consumer');
    },
    pause: () => {
      throw unsupported('Consumer.pause()');
    },
    resume: () => {
      throw unsupported('Consumer.resume()');
    },
    paused: () => {
      throw unsupported('Consumer.paused()');
    },
    describeGroup: () => Promise.reject(unsupported('Consumer.describeGroup()')),
    logger: () => {
      throw unsupported('Consumer.logger()');
    },
  };
  return consumer as unknown as Consumer;
}
