/**
 * Builds the `ServerMQ` transport from the configuration and keeps hold of
 * it, so health and metrics can read its state. `serve()` connects it to the
 * Nest app (`app.connectMicroservice({ strategy })`).
 */
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { MqQueueManager, ServerMQ, type IbmMqDriver, type MqServerStatus, type MqSinkState } from '@eda/mq';
import { bridgeConfig, mqConfig, type BridgeSettings, type MqSettings } from '../config/bridge.config';
import { BridgeMetrics } from '../metrics/bridge-metrics';
import { ITEMS_PATTERN } from './items-bridge.controller';

/** How long a depth inquiry is reused: scrapes come every few seconds, MQINQ needs an open and a close per queue. */
const DEPTH_MAX_AGE_MS = 5000;

/**
 * Holds the app's one {@link ServerMQ}, and a second connection that only
 * inquires the input and backout queues' depths for `/metrics` (the server's
 * connection is busy with its unit of work).
 */
@Injectable()
export class MqBridgeTransport implements OnApplicationShutdown {
  private serverInstance: ServerMQ | undefined;
  private depthClient: MqQueueManager | undefined;
  private depths: { at: number; value: Promise<Record<'input' | 'backout', number>> } | undefined;
  private state: MqServerStatus | 'not-started' = 'not-started';
  private sinkState: MqSinkState = { available: true, held: 0 };

  constructor(
    @Inject(bridgeConfig.KEY) private readonly settings: BridgeSettings,
    @Inject(mqConfig.KEY) private readonly connection: MqSettings,
    private readonly metrics: BridgeMetrics,
  ) {}

  /**
   * Creates the transport. `driver` is for tests (the `@eda/mq/testing`
   * double); production always loads `ibmmq`, and no variable changes that.
   */
  createServer(driver?: IbmMqDriver): ServerMQ {
    const server = new ServerMQ({
      connection: this.connection,
      ...(driver ? { driver } : {}),
      queue: this.settings.queue,
      pattern: ITEMS_PATTERN,
      backoutQueue: this.settings.backoutQueue,
      backoutThreshold: this.settings.backoutThreshold,
      batchSize: this.settings.batchSize,
      waitMs: this.settings.waitMs,
      retryBudgetMs: this.settings.retryBudgetMs,
    });
    server.on('batch', (report) => this.metrics.recordBatch(report));
    server.on('sink', (state) => {
      this.sinkState = state;
      this.metrics.recordSink(state);
    });
    server.status.subscribe((status) => {
      this.state = status;
      this.metrics.mqConnected.set(status === 'connected' ? 1 : 0);
    });
    this.serverInstance = server;
    this.depthClient = new MqQueueManager({ connection: this.connection, ...(driver ? { driver } : {}) });
    this.metrics.setQueueDepthSource(() => this.queueDepths());
    return server;
  }

  /**
   * The current depth of the input and backout queues (MQINQ), at most
   * {@link DEPTH_MAX_AGE_MS} old. Rejects when MQ cannot be asked; the next
   * call connects again.
   */
  queueDepths(): Promise<Record<'input' | 'backout', number>> {
    const client = this.depthClient;
    if (!client) return Promise.reject(new Error('the MQ transport is not created yet'));
    if (this.depths && Date.now() - this.depths.at < DEPTH_MAX_AGE_MS) return this.depths.value;
    const value = (async () => {
      try {
        await client.connect();
        return {
          input: await client.queueDepth(this.settings.queue),
          backout: await client.queueDepth(this.settings.backoutQueue),
        };
      } catch (err) {
        this.depths = undefined;
        await client.disconnect().catch(() => undefined);
        throw err;
      }
    })();
    this.depths = { at: Date.now(), value };
    return value;
  }

  /** Closes the inquiry connection (ServerMQ closes its own). */
  async onApplicationShutdown(): Promise<void> {
    await this.depthClient?.disconnect().catch(() => undefined);
  }

  /** The transport, once created. */
  get server(): ServerMQ | undefined {
    return this.serverInstance;
  }

  /** Whether Kafka takes the batch the transport holds, for readiness. */
  get sink(): MqSinkState {
    return this.sinkState;
  }

  /** The MQ connection state, for readiness. */
  get status(): MqServerStatus | 'not-started' {
    return this.state;
  }
}
