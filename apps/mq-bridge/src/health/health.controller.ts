/**
 * `/health/live`: the process serves HTTP (no dependency is checked, so an
 * MQ or Kafka outage never restarts the pod). `/health/ready`: connected to
 * the queue manager, the Kafka producer is connected, Kafka takes what the
 * bridge sends (not holding a batch on MQ for it), and the items schema is
 * registered; 503 with the failing check otherwise.
 */
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '@eda/kafka';
import { describeMqConnection } from '@eda/mq';
import { bridgeConfig, mqConfig, type BridgeSettings, type MqSettings } from '../config/bridge.config';
import { ItemsProducer } from '../bridge/items-producer';
import { MqBridgeTransport } from '../bridge/mq-bridge-transport';

/** Liveness and readiness probes. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly producer: ItemsProducer,
    private readonly transport: MqBridgeTransport,
    @Inject(bridgeConfig.KEY) private readonly settings: BridgeSettings,
    @Inject(mqConfig.KEY) private readonly mq: MqSettings,
  ) {}

  /** Always up while the process answers. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Up when messages can flow from MQ to Kafka. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const data = {
          state: this.transport.status,
          queue: this.settings.queue,
          connection: describeMqConnection(this.mq),
        };
        const mq = this.indicators.check('mq');
        return this.transport.status === 'connected' ? mq.up(data) : mq.down(data);
      },
      () => this.kafka.clientState('producer', this.producer.producerState, ['connected']),
      () => {
        // The producer's state lags a dead broker; a held batch is the sure sign Kafka takes nothing.
        const { available, held, error } = this.transport.sink;
        const sink = this.indicators.check('kafka');
        return available
          ? sink.up()
          : sink.down({ held, error: error instanceof Error ? error.message : String(error) });
      },
      () =>
        this.indicators
          .check('schema')
          .attempt(() => this.producer.verifySchema())
          .withTimeout(this.settings.healthTimeoutMs),
    ]);
  }
}
