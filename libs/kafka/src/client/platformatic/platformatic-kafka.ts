/**
 * The kafkajs `Kafka` interface over `@platformatic/kafka`, a pure-JS client
 * with its own API: clients that connect lazily and close for good, one
 * `send` for every topic, consumers that hand out a Node stream of records
 * with bigint offsets, and no log output of its own (it emits events).
 *
 * This facade maps the kafkajs calls the apps make onto that API, so callers
 * of `createKafkaClient` keep one interface, and refuses what it cannot
 * honour with a typed {@link KafkaFeatureUnsupportedError} naming the
 * feature. It covers the same subset as the Confluent facade: the producer
 * (`send`, `sendBatch`, idempotence with acks=all, CONNECT/DISCONNECT
 * events), the consumer (see platformatic-consumer.ts) and the admin's topic
 * calls. Transactions, custom partitioners and assigners, and per-partition
 * `seek`/`pause` are refused.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import {
  Partitioners,
  type Admin,
  type ITopicConfig,
  type ITopicMetadata,
  type Kafka,
  type Producer,
  type ProducerBatch,
  type ProducerConfig,
  type ProducerRecord,
  type TopicMessages,
} from 'kafkajs';
import type * as Platformatic from '@platformatic/kafka';
import type { KafkaClientConfig } from '../kafka-client-config';
import { KafkaClientError, KafkaFeatureUnsupportedError } from '../kafka-errors';
import type { KafkaLogSink } from '../kafka-log-sink';
import { platformaticConsumer } from './platformatic-consumer';
import { routePlatformaticEvents } from './platformatic-events';
import {
  javaCompatiblePartitioner,
  toProducedRecord,
  toRecordMetadata,
  type ProducedRecord,
} from './platformatic-records';

/** The module, loaded on first use so the kafkajs default never pays for it. */
export type PlatformaticModule = typeof Platformatic;
/** The options every @platformatic/kafka client of one `Kafka` shares. */
export type PlatformaticBaseOptions = Platformatic.BaseOptions;

/** The error for a kafkajs feature this facade refuses. */
export function unsupported(feature: string, hint?: string): KafkaFeatureUnsupportedError {
  return new KafkaFeatureUnsupportedError('platformatic', feature, hint);
}

let loaded: PlatformaticModule | undefined;

/** `require`d lazily: an ES module, which Node 24 loads synchronously (no top-level await). */
function loadPlatformatic(): PlatformaticModule {
  loaded ??= createRequire(__filename)('@platformatic/kafka') as PlatformaticModule;
  return loaded;
}

const SASL_MECHANISMS = {
  'scram-sha-512': 'SCRAM-SHA-512',
  'scram-sha-256': 'SCRAM-SHA-256',
  plain: 'PLAIN',
} as const;

/** kafkajs's retry backoff (300 ms, doubling, at most 30 s), so both libraries wait alike. */
function retryDelay(_client: unknown, _operation: string, attempt: number): number {
  return Math.min(300 * 2 ** Math.max(attempt - 1, 0), 30_000);
}

function baseOptions(config: KafkaClientConfig): PlatformaticBaseOptions {
  return {
    clientId: config.clientId,
    bootstrapBrokers: [...config.brokers],
    connectTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // The broker-side bound of produce and admin requests; kafkajs's default is the same 30 s.
    timeout: config.requestTimeoutMs,
    retries: config.retries,
    retryDelay,
    ...(config.sasl
      ? {
          sasl: {
            mechanism: SASL_MECHANISMS[config.sasl.mechanism],
            username: config.sasl.username,
            password: config.sasl.password,
          },
        }
      : {}),
    ...(config.tls ? { tls: { ...config.tls } } : {}),
  };
}

/** Builds a kafkajs-shaped `Kafka` on @platformatic/kafka. */
export function createPlatformaticKafka(config: KafkaClientConfig, sink?: KafkaLogSink): Kafka {
  const lib = loadPlatformatic();
  const base = baseOptions(config);
  const facade = {
    producer: (producerConfig: ProducerConfig = {}) => platformaticProducer(lib, base, producerConfig, sink),
    consumer: (consumerConfig: Parameters<Kafka['consumer']>[0]) =>
      platformaticConsumer(lib, base, consumerConfig, sink),
    admin: () => platformaticAdmin(lib, base, sink),
    logger: () => {
      throw unsupported('Kafka.logger()', 'pass a logger to createKafkaClient');
    },
  };
  return facade as unknown as Kafka;
}

const PRODUCER_EVENTS = { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' } as const;

/** kafkajs's `CompressionTypes` (None, GZIP, Snappy, LZ4, ZSTD) by number. */
const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

function platformaticProducer(
  lib: PlatformaticModule,
  base: PlatformaticBaseOptions,
  config: ProducerConfig,
  sink?: KafkaLogSink,
): Producer {
  if (config.createPartitioner && config.createPartitioner !== Partitioners.DefaultPartitioner) {
    throw unsupported('a custom createPartitioner');
  }
  if (config.transactionalId !== undefined) {
    throw unsupported('a transactional producer (transactionalId)');
  }
  const idempotent = config.idempotent === true;
  const emitter = new EventEmitter();
  let client: Platformatic.Producer | undefined;
  const current = () => {
    if (!client) throw new KafkaClientError('EDA_KAFKA_STATE', 'producer used before connect()');
    return client;
  };
  const send = async (topicMessages: TopicMessages[], options: Omit<ProducerBatch, 'topicMessages'>) => {
    const { acks = -1, timeout, compression } = options;
    // kafkajs itself refuses weaker acks on an idempotent producer; name it the way the Confluent facade does.
    if (idempotent && acks !== -1) {
      throw unsupported(
        `send with acks=${acks} on an idempotent producer`,
        'idempotence needs acks=all (-1); build a producer with idempotent: false for weaker acks',
      );
    }
    if (timeout !== undefined) throw unsupported('a per-send timeout', 'set KAFKA_REQUEST_TIMEOUT_MS');
    const messages: ProducedRecord[] = topicMessages.flatMap(({ topic, messages }) =>
      messages.map((message) => toProducedRecord(topic, message)),
    );
    const result = await current().send({
      messages,
      acks,
      ...(compression ? { compression: COMPRESSIONS[compression] } : {}),
    });
    return toRecordMetadata(result);
  };
  const producer = {
    events: PRODUCER_EVENTS,
    on(event: string, listener: (event: unknown) => void) {
      if (!Object.values(PRODUCER_EVENTS).includes(event as never)) {
        throw unsupported(`the producer event ${event}`);
      }
      const wrapped = () => listener({ id: 0, type: event, timestamp: Date.now(), payload: null });
      emitter.on(event, wrapped);
      return () => emitter.off(event, wrapped);
    },
    async connect() {
      const created = new lib.Producer<Buffer, Buffer, Buffer, Buffer>({
        ...base,
        idempotent,
        autocreateTopics: config.allowAutoTopicCreation ?? true,
        partitioner: javaCompatiblePartitioner(lib.murmur2),
        ...(config.retry?.retries !== undefined ? { retries: config.retry.retries } : {}),
        ...(config.maxInFlightRequests ? { maxInflights: config.maxInFlightRequests } : {}),
        ...(config.metadataMaxAge !== undefined ? { metadataMaxAge: config.metadataMaxAge } : {}),
      });
      routePlatformaticEvents(created, 'producer', sink);
      try {
        // As kafkajs does on connect: an idempotent producer gets its producer id now, others reach a broker.
        if (idempotent) await created.initIdempotentProducer({});
        else await created.listApis();
      } catch (err) {
        await created.close().catch(() => undefined);
        throw err;
      }
      client = created;
      emitter.emit(PRODUCER_EVENTS.CONNECT);
    },
    async disconnect() {
      if (!client) return;
      await client.close();
      client = undefined;
      emitter.emit(PRODUCER_EVENTS.DISCONNECT);
    },
    send: ({ topic, messages, ...options }: ProducerRecord) => send([{ topic, messages }], options),
    sendBatch: ({ topicMessages = [], ...options }: ProducerBatch) => send(topicMessages, options),
    transaction: () => Promise.reject(unsupported('Producer.transaction()')),
    isIdempotent: () => idempotent,
    logger: () => {
      throw unsupported('Producer.logger()');
    },
  };
  return producer as unknown as Producer;
}

/** kafkajs admin calls the facade does not offer; each throws naming itself. */
const UNSUPPORTED_ADMIN_CALLS = [
  'fetchTopicOffsets',
  'fetchTopicOffsetsByTimestamp',
  'fetchOffsets',
  'setOffsets',
  'resetOffsets',
  'describeCluster',
  'describeConfigs',
  'alterConfigs',
  'createPartitions',
  'listGroups',
  'describeGroups',
  'deleteGroups',
  'deleteTopicRecords',
  'createAcls',
  'describeAcls',
  'deleteAcls',
  'on',
] as const;

/** How long `createTopics` waits for leaders by default, as kafkajs does with `waitForLeaders`. */
const LEADER_WAIT_MS = 30_000;

function platformaticAdmin(
  lib: PlatformaticModule,
  base: PlatformaticBaseOptions,
  sink?: KafkaLogSink,
): Admin {
  let client: Platformatic.Admin | undefined;
  const current = () => {
    if (!client) throw new KafkaClientError('EDA_KAFKA_STATE', 'admin used before connect()');
    return client;
  };
  const leadersReady = async (topics: ITopicConfig[]) => {
    const deadline = Date.now() + LEADER_WAIT_MS;
    for (;;) {
      const metadata = await current().metadata({ topics: topics.map((t) => t.topic), forceUpdate: true });
      const ready = topics.every((t) => {
        const partitions = metadata.topics.get(t.topic)?.partitions ?? [];
        return partitions.length > 0 && partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
      if (Date.now() > deadline) {
        throw new KafkaClientError('EDA_KAFKA_TIMEOUT', 'created topics have no leaders yet', {
          retriable: true,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const admin: Record<string, unknown> = {
    async connect() {
      const created = new lib.Admin({ ...base });
      routePlatformaticEvents(created, 'admin', sink);
      await created.listApis();
      client = created;
    },
    async disconnect() {
      await client?.close();
      client = undefined;
    },
    listTopics: () => current().listTopics(),
    /** True when every topic was created, false when some already existed (as kafkajs). */
    async createTopics(options: {
      topics: ITopicConfig[];
      validateOnly?: boolean;
      waitForLeaders?: boolean;
      timeout?: number;
    }) {
      if (options.validateOnly) throw unsupported('createTopics with validateOnly');
      let allCreated = true;
      for (const topic of options.topics) {
        if (topic.replicaAssignment?.length) throw unsupported('createTopics with replicaAssignment');
        try {
          await current().createTopics({
            topics: [topic.topic],
            partitions: topic.numPartitions ?? -1,
            replicas: topic.replicationFactor ?? -1,
            configs: (topic.configEntries ?? []).map(({ name, value }) => ({ name, value })),
          });
        } catch (err) {
          if (!lib.findErrorBy(err as Error, 'apiId', 'TOPIC_ALREADY_EXISTS')) throw err;
          allCreated = false;
        }
      }
      if (options.waitForLeaders ?? true) await leadersReady(options.topics);
      return allCreated;
    },
    deleteTopics: async ({ topics }: { topics: string[] }) => {
      await current().deleteTopics({ topics });
    },
    async fetchTopicMetadata({ topics = [] }: { topics?: string[] } = {}) {
      const metadata = await current().metadata({ topics, forceUpdate: true });
      const names = topics.length > 0 ? topics : [...metadata.topics.keys()];
      const described: ITopicMetadata[] = names.map((name) => ({
        name,
        partitions: (metadata.topics.get(name)?.partitions ?? []).map((p, partitionId) => ({
          partitionErrorCode: 0,
          partitionId,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
          offlineReplicas: p.offlineReplicas,
        })),
      }));
      return { topics: described };
    },
    logger: () => {
      throw unsupported('Admin.logger()');
    },
  };
  for (const call of UNSUPPORTED_ADMIN_CALLS) {
    admin[call] = () => {
      throw unsupported(`Admin.${call}()`);
    };
  }
  return admin as unknown as Admin;
}
