/**
 * `/health/live`: red only when the consumer crashed (kafkajs gave up: a
 * non-retriable error, or retries exhausted), which a restart fixes. A Kafka
 * outage alone does not restart the pod.
 *
 * `/health/ready`: Kafka answers, the consumer has joined its group, the
 * producer (retries, DLQs, alerts) is connected, the view has replayed the
 * input topics up to their start-up high watermarks, and the lag is under
 * `DASHBOARD_MAX_READY_LAG`. 503 naming the failing check otherwise.
 */
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaHealthIndicator, type ClientState } from '@eda/kafka';
import { dashboardConfig, type DashboardSettings } from '../config/dashboard.config';
import { DashboardKafka } from '../consumer/dashboard-kafka';

/** Every consumer state but `crashed`: stopping, rebalancing and reconnecting are alive. */
const ALIVE: readonly ClientState[] = [
  'idle',
  'connected',
  'joined',
  'rebalancing',
  'stopped',
  'disconnected',
];

/** Liveness and readiness probes. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly kafkaHealth: KafkaHealthIndicator,
    private readonly kafka: DashboardKafka,
    @Inject(dashboardConfig.KEY) private readonly settings: DashboardSettings,
  ) {}

  /** Up unless the consumer crashed. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => this.kafkaHealth.clientState('consumer', this.kafka.consumerState, ALIVE),
    ]);
  }

  /** Up when the view is complete and the consumer keeps up. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.kafkaHealth.reachable('kafka', this.kafka.admin, this.settings.healthTimeoutMs),
      () => this.kafkaHealth.clientState('consumer', this.kafka.consumerState, ['joined']),
      () => this.kafkaHealth.clientState('producer', this.kafka.producerState, ['connected']),
      () => this.view(),
    ]);
  }

  private view() {
    const report = this.kafka.progress.report();
    const indicator = this.indicators.check('view');
    const data = { caughtUp: report.caughtUp, lag: report.lag, maxLag: this.settings.maxReadyLag };
    if (!report.caughtUp) {
      return indicator.down({
        ...data,
        message: 'replaying the input topics',
        pending: report.pending.slice(0, 20),
      });
    }
    if (report.lag > this.settings.maxReadyLag) {
      return indicator.down({ ...data, message: `lag ${report.lag} exceeds DASHBOARD_MAX_READY_LAG` });
    }
    return indicator.up(data);
  }
}
