/**
 * Nest's Kafka transport server, adapted to a consumer that rebuilds a view:
 *
 * - it subscribes to the configured physical topics (inputs and retry levels)
 *   rather than to the handlers' patterns, which are the contract's topic
 *   names; the deserializer maps each topic back to its pattern;
 * - it keeps keys, values and headers as bytes (Nest's default parser turns
 *   them into strings or JSON), so failed records are forwarded unchanged;
 * - it uses the process's one `Kafka` client, and creates no producer: the
 *   handlers only consume events, and replies are not part of this app;
 * - it reports the consumer to the app (health probe, lag, catch-up) before
 *   connecting, so no lifecycle event is missed.
 *
 * `run` carries `autoCommit: false`: handlers commit through `KafkaContext`
 * after their work succeeded. On close the consumer is stopped first (kafkajs
 * waits for the in-flight handler), the app commits what is pending, and only
 * then does the consumer leave the group.
 */
import { ServerKafka, type KafkaOptions } from '@nestjs/microservices';
import type { Consumer, Kafka } from 'kafkajs';

/** What the app supplies to the server. */
export interface DashboardServerHooks {
  /** The process's Kafka client. */
  readonly kafka: Kafka;
  /** Physical topics to subscribe to, read from the beginning. */
  readonly topics: readonly string[];
  /** Runs before the consumer connects (connect the producer, read the start-up watermarks). */
  beforeStart(): Promise<void>;
  /** Receives the consumer before it connects. */
  onConsumer(consumer: Consumer): void;
  /** Runs after the consumer stopped (in-flight handler done), before it disconnects: the final commit. */
  afterStop(consumer: Consumer): Promise<void>;
}

/** Keeps a kafkajs message's bytes; only clones the headers object, as Nest's parser does. */
const BINARY_PARSER = {
  keepBinary: true,
  parse<T extends { headers?: unknown }>(data: T): T {
    return { ...data, headers: { ...((data.headers as object | undefined) ?? {}) } };
  },
};

/** More distinct patterns than this are not memoized (ours are the handful of contract topic names). */
const MAX_MEMOIZED_ROUTES = 1024;

/** The dashboard's transport strategy: `app.connectMicroservice({ strategy: new DashboardKafkaServer(...) })`. */
export class DashboardKafkaServer extends ServerKafka {
  private readonly routes = new Map<string, string>();

  constructor(
    options: Required<KafkaOptions>['options'],
    private readonly hooks: DashboardServerHooks,
  ) {
    super({ ...options, postfixId: '' });
    this.parser = BINARY_PARSER as unknown as ServerKafka['parser'];
  }

  /**
   * Nest resolves a handler's route twice per message, each time by trying
   * `JSON.parse` on the pattern; a topic name is not JSON, so each try throws
   * and captures a stack (the throw debuggers stop on, nestjs/nest#4066).
   * That was 28 % of the app's CPU in the transport bench (docs/benchmarks.md). The route of a pattern string never changes,
   * so it is computed once per pattern.
   */
  protected override getRouteFromPattern(pattern: string): string {
    let route = this.routes.get(pattern);
    if (route === undefined) {
      route = super.getRouteFromPattern(pattern);
      if (typeof pattern === 'string' && this.routes.size < MAX_MEMOIZED_ROUTES)
        this.routes.set(pattern, route);
    }
    return route;
  }

  /** The shared client instead of a second one. */
  override async createClient<T = unknown>(): Promise<T> {
    return this.hooks.kafka as T;
  }

  /** Consumer only: connect, subscribe, run. */
  override async start(callback: () => void): Promise<void> {
    await this.hooks.beforeStart();
    const consumer = (this.client as unknown as Kafka).consumer({
      ...(this.options.consumer ?? {}),
      groupId: this.groupId,
    });
    this.consumer = consumer as unknown as ServerKafka['consumer'];
    this.registerConsumerEventListeners();
    this.hooks.onConsumer(consumer);
    await consumer.connect();
    await this.bindEvents(this.consumer as NonNullable<ServerKafka['consumer']>);
    callback();
  }

  /** Stop, final commit, disconnect. */
  override async close(): Promise<void> {
    const consumer = this.consumer as unknown as Consumer | null;
    if (consumer) {
      await consumer.stop();
      await this.hooks.afterStop(consumer);
    }
    await super.close();
  }

  /** Subscribes to the configured topics (from the beginning: the view replays them) and runs. */
  override async bindEvents(consumer: NonNullable<ServerKafka['consumer']>): Promise<void> {
    const kafkaConsumer = consumer as unknown as Consumer;
    await kafkaConsumer.subscribe({ topics: [...this.hooks.topics], fromBeginning: true });
    await kafkaConsumer.run({ ...(this.options.run ?? {}), eachMessage: this.getMessageHandler() });
  }
}
