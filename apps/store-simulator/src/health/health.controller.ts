/**
 * `/health/live`: the process serves HTTP (no dependency is checked, so a
 * Kafka outage never restarts the pod). `/health/ready`: Kafka answers, the
 * producer is connected, and the items schema is registered; 503 with the
 * failing check and what to do otherwise. The `mq` detail reports the
 * optional MQ backend but is always up: an MQ problem fails `mq` simulations
 * (their status says why), never the Kafka backend's readiness.
 */
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '@eda/kafka';
import { simulatorConfig, type SimulatorSettings } from '../config/simulator.config';
import { KafkaTransactionPublisher } from '../publishing/kafka-transaction-publisher';
import { MqTransactionPublisher } from '../publishing/mq-transaction-publisher';

/** Liveness and readiness probes. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly kafka: KafkaHealthIndicator,
    private readonly publisher: KafkaTransactionPublisher,
    private readonly mq: MqTransactionPublisher,
    @Inject(simulatorConfig.KEY) private readonly settings: SimulatorSettings,
  ) {}

  /** Always up while the process answers. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Up when the Kafka backend can produce; `mq` is a detail that never fails the check. */
  @Get('ready')
  @HealthCheck()
  ready() {
    const timeout = this.settings.healthTimeoutMs;
    return this.health.check([
      () => this.kafka.reachable('kafka', this.publisher.admin, timeout),
      () => this.kafka.clientState('producer', this.publisher.producerState, ['connected']),
      () =>
        this.indicators
          .check('schema')
          .attempt(() => this.publisher.verifySchema())
          .withTimeout(timeout),
      () => this.indicators.check('mq').up({ ...this.mq.health() }),
    ]);
  }
}
