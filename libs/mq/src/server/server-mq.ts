/**
 * `ServerMQ`: a NestJS transport strategy that consumes an IBM MQ queue in
 * batches under syncpoint, in the manner of the Kafka Connect MQ source
 * connector.
 *
 * One batch is one MQ unit of work:
 *
 * 1. get up to `batchSize` messages under syncpoint (waiting up to `waitMs`
 *    for the first);
 * 2. a message whose BackoutCount reached `backoutThreshold` is not handled
 *    again: it is set aside for the backout queue (as IBM MQ classes for JMS
 *    treat BOTHRESH);
 * 3. every other message goes to the `@EventPattern` handler of the queue's
 *    pattern; the handlers run concurrently and the server waits for all of
 *    them (for a bridge: until Kafka acknowledged);
 * 4. what a failing handler costs its message depends on whose fault the
 *    failure is (`handler-failure.ts`): {@link MqPoisonMessageException} sets
 *    the message aside for the backout queue; {@link MqSinkUnavailableException}
 *    (Kafka is down) holds the unit of work: nothing more is got, and the
 *    batch is retried with backoff (`sinkHoldBackoff`) until the sink takes
 *    it, however long that is, with the messages locked so their BackoutCount
 *    does not grow; anything else is retried within the same unit of work,
 *    with backoff, for up to `retryBudgetMs`;
 * 5. when every message is handled or set aside, the set-aside ones are put
 *    to the backout queue under the same syncpoint, with the reason in their
 *    properties and MQMD.Feedback, and the unit of work is committed: moving
 *    and removing happen together or not at all;
 * 6. when the retry budget of an unknown failure runs out, or the server is
 *    closing, the unit of work is backed out: MQ redelivers every message of
 *    the batch (at-least-once) with BackoutCount + 1. The server then pauses
 *    before its next get, longer after each backout in a row
 *    (`reconnectBackoff`).
 *
 * A reason code that means the connection is gone (see `REASON_TABLE`) makes
 * the server reconnect with backoff; the queue manager has backed the batch
 * out. `close()` lets the current batch finish (commit, or back out if it is
 * still retrying), then disconnects.
 */
import { Logger } from '@nestjs/common';
import {
  Server,
  type ConsumerDeserializer,
  type CustomTransportStrategy,
  type ReadPacket,
} from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { MqQueueManager, type MqQueue } from '../client/mq-queue-manager';
import type { MqConnectionConfig } from '../client/mq-connection-config';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffPolicy } from '../client/backoff';
import type { MqMessage } from '../client/mq-message';
import type { IbmMqDriver } from '../external/ibmmq.interface';
import { isMqConnectionLost } from '../errors/mq-errors';
import { MqContext } from './mq-context';
import { MqMessageDeserializer } from './mq-deserializer';
import { describeError, retryBatch, RETRY_BACKOFF, SINK_HOLD_BACKOFF, type Work } from './batch-retry';
import { backoutMessage, BACKOUT_REASONS } from './backout-message';

/** Options of {@link ServerMQ}. */
export interface MqServerOptions {
  readonly connection: MqConnectionConfig;
  /** The `ibmmq` module or the test double; loaded lazily from `ibmmq` when omitted. */
  readonly driver?: IbmMqDriver | (() => IbmMqDriver);
  /** The queue to consume. */
  readonly queue: string;
  /** The pattern its messages are routed to; defaults to the queue name. */
  readonly pattern?: string;
  /** Where poison messages go (the queue's BOQNAME). */
  readonly backoutQueue: string;
  /** A message with BackoutCount >= this is moved without handling (BOTHRESH). 0 turns the check off. Default 3. */
  readonly backoutThreshold?: number;
  /** Messages per unit of work. Default 100. */
  readonly batchSize?: number;
  /** How long a get waits for the first message of a batch. Default 1000 ms. */
  readonly waitMs?: number;
  /** How long handlers failing retriably are retried inside one unit of work before it is backed out. Default 30 s. */
  readonly retryBudgetMs?: number;
  /** Delays between those retries. */
  readonly retryBackoff?: BackoffPolicy;
  /** Delays between retries of a batch held while the sink is unavailable. Default 0.5 s doubling to 10 s. */
  readonly sinkHoldBackoff?: BackoffPolicy;
  /** Delays between reconnect attempts. */
  readonly reconnectBackoff?: BackoffPolicy;
  /** Delay between no-wait gets while waiting. Default 100 ms. */
  readonly pollIntervalMs?: number;
  /** Message properties to read into `MqMessage.properties`; defaults to traceparent and tracestate. */
  readonly propertyNames?: readonly string[];
  readonly deserializer?: ConsumerDeserializer;
}

/** What happened to one batch; the `batch` event's payload. */
export interface MqBatchReport {
  readonly outcome: 'committed' | 'backed-out' | 'connection-lost' | 'failed';
  /** Messages got in the unit of work. */
  readonly received: number;
  /** Messages handled successfully (committed with the batch, or backed out with it). */
  readonly handled: number;
  /** Messages moved to the backout queue, by reason (committed only). */
  readonly movedToBackout: Readonly<Record<string, number>>;
  /** Handler attempts beyond the first, within the unit of work. */
  readonly retries: number;
  readonly durationMs: number;
  readonly error?: unknown;
}

/** Connection states, emitted on `status`. */
export type MqServerStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** Whether the sink takes messages; the `sink` event's payload, sent when that changes. */
export interface MqSinkState {
  /** False from the first {@link MqSinkUnavailableException} until a held batch was taken. */
  readonly available: boolean;
  /** Messages of the unit of work held meanwhile (0 once available). */
  readonly held: number;
  readonly error?: unknown;
}

/** Events of {@link ServerMQ.on}. */
export type MqServerEvents = {
  batch: (report: MqBatchReport) => void;
  sink: (state: MqSinkState) => void;
  error: (err: unknown) => void;
};

/** See the module comment. */
export class ServerMQ extends Server<MqServerEvents, MqServerStatus> implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger(ServerMQ.name);
  /** The connection; created by `listen`. */
  client: MqQueueManager | undefined;
  private readonly listeners: { [K in keyof MqServerEvents]: MqServerEvents[K][] } = {
    batch: [],
    sink: [],
    error: [],
  };
  private readonly abort = new AbortController();
  private input: MqQueue | undefined;
  private backout: MqQueue | undefined;
  private loop: Promise<void> | undefined;
  private closing = false;
  private consecutiveBackouts = 0;
  private sinkAvailable = true;
  private readonly pattern: string;

  constructor(private readonly options: MqServerOptions) {
    super();
    this.pattern = options.pattern ?? options.queue;
    this.initializeSerializer({});
    this.deserializer = options.deserializer ?? new MqMessageDeserializer();
  }

  /** Starts consuming in the background. Fails only when the driver cannot load; a queue manager that is down is retried. */
  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const client = new MqQueueManager({
        connection: this.options.connection,
        ...(this.options.driver ? { driver: this.options.driver } : {}),
        ...(this.options.propertyNames ? { propertyNames: this.options.propertyNames } : {}),
        ...(this.options.pollIntervalMs !== undefined ? { pollIntervalMs: this.options.pollIntervalMs } : {}),
        ...(this.options.reconnectBackoff ? { backoff: this.options.reconnectBackoff } : {}),
      });
      void client.driver; // MqDriverUnavailableError now, not in the background
      this.client = client;
      this.input = await client.openInput(this.options.queue);
      this.backout = await client.openOutput(this.options.backoutQueue);
      this.loop = this.run(client);
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Finishes the current batch (commit, or back out if still retrying), then disconnects. */
  async close(): Promise<void> {
    this.closing = true;
    this.abort.abort();
    await this.loop;
    await this.client?.disconnect();
    this._status$.next('disconnected');
  }

  /** Subscribes to `batch` reports (metrics), `sink` availability changes and `error`s. */
  on<K extends keyof MqServerEvents>(event: K, callback: MqServerEvents[K]): void {
    this.listeners[event].push(callback);
  }

  /** The MQ client. */
  unwrap<T>(): T {
    if (!this.client) throw new Error('Not initialized. Call listen() (startAllMicroservices) first.');
    return this.client as T;
  }

  /** Like `ServerKafka`: awaits an Observable result, so a failing stream fails the message. */
  override async handleEvent(pattern: string, packet: ReadPacket, context: MqContext): Promise<void> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler)
      throw new Error(`There is no @EventPattern handler for "${pattern}" (queue ${context.getQueue()})`);
    await this.runWithProcessingHooks(context, async (runEndHook) => {
      const result = await handler(packet.data, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      runEndHook();
    });
  }

  private async run(client: MqQueueManager): Promise<void> {
    const signal = this.abort.signal;
    while (!this.closing) {
      if (!client.connected) {
        this._status$.next('connecting');
        const ok = await client.connectWithRetry(signal, (err, delayMs) =>
          this.logger.warn(`Cannot connect to MQ (retry in ${delayMs} ms): ${describeError(err)}`),
        );
        if (!ok) break;
        this._status$.next('connected');
        this.logger.log(`Consuming ${this.options.queue} (backout queue ${this.options.backoutQueue})`);
      }
      try {
        await this.processBatch(client);
      } catch (err) {
        this.emit('error', err);
        if (isMqConnectionLost(err)) {
          this.logger.warn(
            `MQ connection lost; the queue manager backs the batch out: ${describeError(err)}`,
          );
          this._status$.next('reconnecting');
          await client.reconnect(signal, (e, delayMs) =>
            this.logger.warn(`Reconnect to MQ failed (retry in ${delayMs} ms): ${describeError(e)}`),
          );
          if (client.connected) this._status$.next('connected');
        } else {
          this.logger.error(`MQ batch failed; backing it out: ${describeError(err)}`);
          await client.backout().catch(() => undefined);
          await sleep(1000, signal);
        }
      }
    }
  }

  private async processBatch(client: MqQueueManager): Promise<void> {
    const input = this.input as MqQueue;
    const first = await client.get(input, { waitMs: this.options.waitMs ?? 1000, signal: this.abort.signal });
    if (!first) return;
    const started = performance.now();
    const messages = [first];
    const batchSize = this.options.batchSize ?? 100;
    while (messages.length < batchSize && !this.closing) {
      const next = await client.get(input);
      if (!next) break;
      messages.push(next);
    }
    const threshold = this.options.backoutThreshold ?? 3;
    const work: Work[] = messages.map((message) =>
      threshold > 0 && message.backoutCount >= threshold
        ? {
            message,
            state: 'poison',
            reason: BACKOUT_REASONS.threshold,
            error: `BackoutCount ${message.backoutCount} reached the threshold ${threshold}`,
          }
        : { message, state: 'pending' },
    );
    let retries = 0;
    try {
      retries = await this.handleAll(work);
    } catch (err) {
      // A connection loss while handling: report it, let run() reconnect.
      this.report(work, 'connection-lost', retries, started, err);
      throw err;
    }
    if (work.some((w) => w.state === 'retry' || w.state === 'held')) {
      // Retries ran out (cause unknown), or the server is closing while it holds the batch.
      await client.backout();
      const error = work.find((w) => w.state === 'retry' || w.state === 'held')?.error;
      this.report(work, 'backed-out', retries, started, error);
      // Each backout raises BackoutCount; pause before getting the batch again, longer each time.
      const pause = backoffDelay(
        this.options.reconnectBackoff ?? DEFAULT_BACKOFF,
        this.consecutiveBackouts++,
      );
      this.logger.warn(
        `Backed out ${work.length} message(s) for redelivery in ${pause} ms: ${describeError(error)}`,
      );
      await sleep(pause, this.abort.signal);
      return;
    }
    try {
      for (const item of work.filter((w) => w.state === 'poison')) {
        await client.put(
          this.backout as MqQueue,
          backoutMessage(
            item.message,
            this.options.queue,
            item.reason as string,
            item.error,
            client.driver.MQC,
          ),
        );
        this.logger.warn(
          `Moved a message to ${this.options.backoutQueue} (${item.reason}): ${describeError(item.error)}`,
        );
      }
      await client.commit();
    } catch (err) {
      this.report(work, isMqConnectionLost(err) ? 'connection-lost' : 'failed', retries, started, err);
      throw err;
    }
    this.consecutiveBackouts = 0;
    this.report(work, 'committed', retries, started);
  }

  /** Runs the batch's retry loop (`batch-retry.ts`) with this server's options and sink state. */
  private handleAll(work: Work[]): Promise<number> {
    return retryBatch(work, {
      retryBudgetMs: this.options.retryBudgetMs ?? 30_000,
      retryBackoff: this.options.retryBackoff ?? RETRY_BACKOFF,
      sinkHoldBackoff: this.options.sinkHoldBackoff ?? SINK_HOLD_BACKOFF,
      signal: this.abort.signal,
      logger: this.logger,
      closing: () => this.closing,
      dispatch: (message) => this.dispatch(message),
      sinkHeld: (held, error) => {
        if (held > 0 && this.sinkAvailable) this.sinkChanged({ available: false, held, error });
        else if (held === 0 && !this.sinkAvailable) this.sinkChanged({ available: true, held: 0 });
      },
    });
  }

  private sinkChanged(state: MqSinkState): void {
    this.sinkAvailable = state.available;
    if (state.available) this.logger.log('Sink available again; resuming gets');
    this.emit('sink', state);
  }

  private async dispatch(message: MqMessage): Promise<void> {
    const packet = (await this.deserializer.deserialize(message, { channel: this.pattern })) as ReadPacket;
    const context = new MqContext([message, this.options.queue]);
    await this.handleEvent(packet.pattern, packet, context);
  }

  private report(
    work: Work[],
    outcome: MqBatchReport['outcome'],
    retries: number,
    started: number,
    error?: unknown,
  ): void {
    const movedToBackout: Record<string, number> = {};
    if (outcome === 'committed') {
      for (const w of work)
        if (w.state === 'poison')
          movedToBackout[w.reason as string] = (movedToBackout[w.reason as string] ?? 0) + 1;
    }
    this.emit('batch', {
      outcome,
      received: work.length,
      handled: work.filter((w) => w.state === 'done').length,
      movedToBackout,
      retries,
      durationMs: performance.now() - started,
      ...(error === undefined ? {} : { error }),
    });
  }

  private emit<K extends keyof MqServerEvents>(event: K, payload: Parameters<MqServerEvents[K]>[0]): void {
    for (const listener of this.listeners[event]) {
      try {
        (listener as (p: typeof payload) => void)(payload);
      } catch (err) {
        this.logger.error(`A ${event} listener threw: ${describeError(err)}`);
      }
    }
  }
}
