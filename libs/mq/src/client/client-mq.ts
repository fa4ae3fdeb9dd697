/**
 * `ClientMQ`: the NestJS `ClientProxy` for IBM MQ, for apps that send to a
 * queue (the store simulator's `mq` backend). `emit(queue, data)` puts one
 * message and commits it; {@link ClientMQ.emitBatch} puts many in one unit of
 * work. The pattern is the queue name. Request-response (`send`) is not
 * offered: MQ request/reply needs reply queues and correlation this
 * blueprint does not use.
 *
 * Bodies are JSON text (MQMD.Format `MQSTR`) unless the data is already a
 * string or a Buffer; the active trace context travels in the `traceparent`
 * and `tracestate` properties. Operations run one at a time, because an MQ
 * unit of work belongs to the whole connection.
 */
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { IbmMqDriver } from '../external/ibmmq.interface';
import { isMqConnectionLost } from '../errors/mq-errors';
import { injectMqTraceProperties } from '../propagation/mq-trace-properties';
import { MqQueueManager, type MqQueue } from './mq-queue-manager';
import type { MqConnectionConfig } from './mq-connection-config';
import type { MqOutgoingMessage } from './mq-message';

/** Options of {@link ClientMQ}. */
export interface ClientMqOptions {
  readonly connection: MqConnectionConfig;
  /** The `ibmmq` module or the test double; loaded lazily from `ibmmq` when omitted. */
  readonly driver?: IbmMqDriver | (() => IbmMqDriver);
  /** Persistent messages (default true). */
  readonly persistent?: boolean;
}

/** Connection states, on `status`. */
export type ClientMqStatus = 'connected' | 'disconnected';

/** See the module comment. */
export class ClientMQ extends ClientProxy<Record<never, never>, ClientMqStatus> {
  private readonly client: MqQueueManager;
  private readonly queues = new Map<string, MqQueue>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ClientMqOptions) {
    super();
    this.client = new MqQueueManager({
      connection: options.connection,
      ...(options.driver ? { driver: options.driver } : {}),
    });
  }

  /** Connects (rejects when the queue manager is unreachable; the next call tries again). */
  async connect(): Promise<MqQueueManager> {
    await this.exclusive(() => this.ensureConnected());
    return this.client;
  }

  /** Backs out anything pending and disconnects. */
  async close(): Promise<void> {
    await this.exclusive(async () => {
      await this.client.disconnect();
      this.queues.clear();
      this._status$.next('disconnected');
    });
  }

  /** The {@link MqQueueManager}. */
  unwrap<T>(): T {
    return this.client as T;
  }

  /** Puts every item of `data` to `queue` in one unit of work: all are committed, or none. */
  emitBatch(queue: string, data: readonly unknown[]): Promise<void> {
    return this.exclusive(() =>
      this.putAll(
        queue,
        data.map((d) => this.toMessage(d)),
      ),
    );
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const queue = this.normalizePattern(packet.pattern);
    await this.exclusive(() => this.putAll(queue, [this.toMessage(packet.data)]));
    return undefined as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({
      err: 'ClientMQ supports emit() (fire-and-forget puts) only; request-response over MQ is not implemented',
      isDisposed: true,
    });
    return () => undefined;
  }

  private async putAll(queueName: string, messages: MqOutgoingMessage[]): Promise<void> {
    await this.ensureConnected();
    try {
      let queue = this.queues.get(queueName);
      if (!queue) {
        queue = await this.client.openOutput(queueName);
        this.queues.set(queueName, queue);
      }
      for (const message of messages) await this.client.put(queue, message, { syncpoint: true });
      await this.client.commit();
    } catch (err) {
      if (isMqConnectionLost(err)) {
        // The queue manager backed the puts out; reconnect on the next call.
        await this.client.disconnect();
        this.queues.clear();
        this._status$.next('disconnected');
      } else {
        await this.client.backout().catch(() => undefined);
      }
      throw err;
    }
  }

  private async ensureConnected(): Promise<void> {
    if (this.client.connected) return;
    await this.client.connect();
    this._status$.next('connected');
  }

  private toMessage(data: unknown): MqOutgoingMessage {
    const body = typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data);
    return {
      body,
      persistent: this.options.persistent ?? true,
      properties: injectMqTraceProperties(),
    };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
