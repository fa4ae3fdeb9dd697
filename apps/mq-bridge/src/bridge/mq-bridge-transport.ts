/**
 * Builds the `ServerMQ` transport from the configuration and keeps hold of
 * it, so health and metrics can read its state. `serve()` connects it to the
 * Nest app (`app.connectMicroservice({ strategy })`).
 */
import { Inject, Injectable } from '@nestjs/common';
import { ServerMQ, type IbmMqDriver, type MqServerStatus, type MqSinkState } from '@eda/mq';
import { bridgeConfig, mqConfig, type BridgeSettings, type MqSettings } from '../config/bridge.config';
import { BridgeMetrics } from '../metrics/bridge-metrics';
import { ITEMS_PATTERN } from './items-bridge.controller';

/** Holds the app's one {@link ServerMQ}. */
@Injectable()
export class MqBridgeTransport {
  private serverInstance: ServerMQ | undefined;
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
    return server;
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
