/**
 * The kafkajs `Kafka` interface over Confluent's client. Confluent's KafkaJS
 * API is close to kafkajs but not equal, so the apps' code cannot simply be
 * pointed at it: some options move from calls to constructors (`acks` from
 * `send` to the producer, `fromBeginning` from `subscribe` to the consumer),
 * TLS files become librdkafka properties, and some kafkajs features do not
 * exist (instrumentation events on consumers, custom partition assigners).
 *
 * This facade does the moves, so callers of `createKafkaClient` keep one
 * interface, and refuses what it cannot honour with a typed error naming the
 * feature, rather than silently behaving differently. What it covers: the
 * idempotent producer (`send`, `sendBatch`, CONNECT/DISCONNECT events), the
 * consumer (`subscribe`, `run` with `eachMessage`/`eachBatch`,
 * `commitOffsets`, `seek`, `pause`/`resume`, `stop`) and the admin's topic
 * calls. libs/streams needs a custom assigner and consumer events, so it
 * stays on kafkajs.
 */
import { EventEmitter } from 'node:events';
import {
  Partitioners,
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopics,
  type Kafka,
  type Producer,
  type ProducerBatch,
  type ProducerConfig,
  type ProducerRecord,
} from 'kafkajs';
import type { KafkaClientConfig } from '../kafka-client-config';
import { KafkaClientError, KafkaFeatureUnsupportedError } from '../kafka-errors';
import type { KafkaLogSink } from '../kafka-log-sink';
import { loadConfluentKafkaJs, type ConfluentKafkaInstance } from './confluent-loader';

type Untyped = Record<string, unknown>;
type AsyncMethod = (...args: unknown[]) => Promise<unknown>;

/** Builds a kafkajs-shaped `Kafka` on Confluent's client (loaded lazily; see confluent-loader.ts). */
export function createConfluentKafka(config: KafkaClientConfig, sink?: KafkaLogSink): Kafka {
  const { Kafka: ConfluentKafka } = loadConfluentKafkaJs();
  const kafka = new ConfluentKafka({
    kafkaJS: {
      clientId: config.clientId,
      brokers: [...config.brokers],
      connectionTimeout: config.connectionTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      ...(config.sasl ? { sasl: { ...config.sasl } } : {}),
      ...(config.tls ? { ssl: true } : {}),
      ...(sink ? { logger: confluentLogger(sink) } : {}),
    },
    // TLS material goes to librdkafka directly: the KafkaJS block takes only `ssl: true`.
    ...(config.tls?.ca ? { 'ssl.ca.pem': config.tls.ca } : {}),
    ...(config.tls?.cert ? { 'ssl.certificate.pem': config.tls.cert } : {}),
    ...(config.tls?.key ? { 'ssl.key.pem': config.tls.key } : {}),
    ...(config.tls ? { 'enable.ssl.certificate.verification': config.tls.rejectUnauthorized } : {}),
  });
  const facade = {
    producer: (producerConfig: ProducerConfig = {}) =>
      confluentProducer(kafka, producerConfig, config.retries),
    consumer: (consumerConfig: ConsumerConfig) => confluentConsumer(kafka, consumerConfig),
    admin: () => kafka.admin() as unknown as Admin,
    logger: () => {
      throw new KafkaFeatureUnsupportedError(
        'confluent',
        'Kafka.logger()',
        'pass a logger to createKafkaClient',
      );
    },
  };
  return facade as unknown as Kafka;
}

const CONSUMER_EVENTS = {
  CONNECT: 'consumer.connect',
  GROUP_JOIN: 'consumer.group_join',
  REBALANCING: 'consumer.rebalancing',
  STOP: 'consumer.stop',
  DISCONNECT: 'consumer.disconnect',
  CRASH: 'consumer.crash',
} as const;

const PRODUCER_EVENTS = { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' } as const;

function confluentProducer(kafka: ConfluentKafkaInstance, config: ProducerConfig, retries: number): Producer {
  const {
    createPartitioner,
    acks: configuredAcks,
    retry,
    ...rest
  } = config as ProducerConfig & { acks?: number };
  // Confluent's default partitioner is murmur2_random, the same as kafkajs's
  // DefaultPartitioner and Java's: keys land on the same partitions either way.
  if (createPartitioner && createPartitioner !== Partitioners.DefaultPartitioner) {
    throw new KafkaFeatureUnsupportedError('confluent', 'a custom createPartitioner');
  }
  const acks = configuredAcks ?? -1;
  const inner = kafka.producer({
    kafkaJS: { ...rest, acks, retry: { retries: retry?.retries ?? retries } },
  }) as Record<string, AsyncMethod>;
  const emitter = new EventEmitter();
  const call = (name: string, ...args: unknown[]) => (inner[name] as AsyncMethod).apply(inner, args);
  // kafkajs takes acks per send; Confluent fixes it per producer. A send asking
  // for other acks than the producer was built with would be silently weaker.
  const withoutSendOptions = <T extends object>(record: T): T => {
    const { acks: sendAcks, timeout, compression, ...plain } = record as Untyped;
    if (sendAcks !== undefined && sendAcks !== acks) {
      throw new KafkaFeatureUnsupportedError(
        'confluent',
        `send with acks=${String(sendAcks)} on a producer built with acks=${acks}`,
        'set acks when creating the producer',
      );
    }
    if (timeout !== undefined || compression !== undefined) {
      throw new KafkaFeatureUnsupportedError(
        'confluent',
        'per-send timeout or compression',
        'set them on the producer',
      );
    }
    return plain as T;
  };
  const producer = {
    events: PRODUCER_EVENTS,
    on(event: string, listener: (event: unknown) => void) {
      if (!Object.values(PRODUCER_EVENTS).includes(event as never)) {
        throw new KafkaFeatureUnsupportedError('confluent', `the producer event ${event}`);
      }
      const wrapped = () => listener({ id: 0, type: event, timestamp: Date.now(), payload: null });
      emitter.on(event, wrapped);
      return () => emitter.off(event, wrapped);
    },
    async connect() {
      await call('connect');
      emitter.emit(PRODUCER_EVENTS.CONNECT);
    },
    async disconnect() {
      await call('disconnect');
      emitter.emit(PRODUCER_EVENTS.DISCONNECT);
    },
    send: async (record: ProducerRecord) => call('send', withoutSendOptions(record)),
    sendBatch: async (batch: ProducerBatch) => call('sendBatch', withoutSendOptions(batch)),
    transaction: () => call('transaction'),
    isIdempotent: () => config.idempotent === true,
    logger: () => {
      throw new KafkaFeatureUnsupportedError('confluent', 'Producer.logger()');
    },
  };
  return producer as unknown as Producer;
}

/** Options kafkajs takes per call and Confluent's consumer only when it is built. */
interface CreationOptions {
  fromBeginning?: boolean;
  autoCommit?: boolean;
  autoCommitInterval?: number | null;
  autoCommitThreshold?: number | null;
}

/**
 * Confluent's consumer takes `fromBeginning` (kafkajs: `subscribe`) and the
 * auto-commit settings (kafkajs: `run`) when it is built. The facade builds
 * the inner consumer at `connect()` with kafkajs's defaults and, when a later
 * call asks for other values, rebuilds it and subscribes it again before
 * going on. That happens before `run`, so no record has been fetched, and
 * offsets are committed per group, so the rebuild loses nothing.
 */
function confluentConsumer(kafka: ConfluentKafkaInstance, config: ConsumerConfig): Consumer {
  if (config.partitionAssigners) {
    throw new KafkaFeatureUnsupportedError('confluent', 'custom partitionAssigners');
  }
  let inner: Record<string, AsyncMethod> | undefined;
  let creation: CreationOptions = { fromBeginning: false, autoCommit: true };
  const subscriptions: Untyped[] = [];
  const current = () => {
    if (!inner) throw new KafkaClientError('EDA_KAFKA_STATE', 'consumer used before connect()');
    return inner;
  };
  const call = (name: string, ...args: unknown[]) => (current()[name] as AsyncMethod).apply(current(), args);
  const connectNew = async () => {
    inner = kafka.consumer({ kafkaJS: { ...config, ...definedOnly(creation) } }) as Record<
      string,
      AsyncMethod
    >;
    await call('connect');
  };
  const ensureCreatedWith = async (wanted: CreationOptions) => {
    const patch = definedOnly(wanted);
    if (Object.entries(patch).every(([k, v]) => creation[k as keyof CreationOptions] === v)) return;
    creation = { ...creation, ...patch };
    await call('disconnect');
    await connectNew();
    for (const subscription of subscriptions) await call('subscribe', subscription);
  };
  const consumer = {
    connect: connectNew,
    async subscribe(subscription: ConsumerSubscribeTopics & { topic?: string | RegExp }) {
      const { fromBeginning = false, ...rest } = subscription;
      await ensureCreatedWith({ fromBeginning });
      subscriptions.push(rest);
      await call('subscribe', rest);
    },
    async run(runConfig: ConsumerRunConfig = {}) {
      const { autoCommit, autoCommitInterval, autoCommitThreshold, ...rest } = runConfig;
      await ensureCreatedWith({ autoCommit, autoCommitInterval, autoCommitThreshold });
      return call('run', rest);
    },
    commitOffsets: (offsets: unknown) => call('commitOffsets', offsets),
    seek: (target: unknown) => (current()['seek'] as (t: unknown) => void)(target),
    pause: (topics: unknown) => (current()['pause'] as (t: unknown) => void)(topics),
    resume: (topics: unknown) => (current()['resume'] as (t: unknown) => void)(topics),
    stop: () => call('stop'),
    disconnect: async () => {
      if (inner) await call('disconnect');
    },
    // kafkajs's event names, so code that subscribes fails naming the event.
    events: CONSUMER_EVENTS,
    on(event: string) {
      throw new KafkaFeatureUnsupportedError('confluent', `the consumer event ${event}`);
    },
  };
  return consumer as unknown as Consumer;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function confluentLogger(sink: KafkaLogSink) {
  const forward =
    (level: keyof KafkaLogSink) =>
    (message: string, extra?: Record<string, unknown>): void =>
      sink[level]({ kafka: { library: 'confluent', ...extra } }, message);
  return {
    error: forward('error'),
    warn: forward('warn'),
    info: forward('info'),
    debug: forward('debug'),
    namespace: () => confluentLogger(sink),
    setLogLevel: () => undefined,
  };
}
