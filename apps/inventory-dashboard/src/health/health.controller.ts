/**
 * `/health/live`: red only when one of the three consumers crashed (kafkajs
 * gave up: a non-retriable error, or retries exhausted), which a restart
 * fixes: the main consumer, the alerting group member, or the alerts
 * follower. A Kafka outage alone does not restart the pod.
 *
 * `/health/ready`: Kafka answers, the consumer has joined its group, the
 * alerting member is in its group (joining, joined or rebalancing: a
 * rebalance of the shared group, on every scale up or down, must not take
 * every replica out of the Service), the alerts follower has joined, the
 * producer (retries, DLQs, alerts) is connected, the view has replayed the
 * input topics up to their start-up high watermarks, and the lag is under
 * `DASHBOARD_MAX_READY_LAG`. 503 naming the failing check otherwise.
 */
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaHealthIndicator, type ClientState } from '@eda/kafka';
import { dashboardConfig, type DashboardSettings } from '../config/dashboard.config';
import { AlertPublisher } from '../alerts/alert-publisher';
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
    private readonly alerts: AlertPublisher,
    @Inject(dashboardConfig.KEY) private readonly settings: DashboardSettings,
  ) {}

  /** Up unless a consumer crashed. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => this.kafkaHealth.clientState('consumer', this.kafka.consumerState, ALIVE),
      () => this.kafkaHealth.clientState('alerting', this.alerts.membership.state, ALIVE),
      () => this.kafkaHealth.clientState('alerts', this.alerts.follower.state, ALIVE),
    ]);
  }

  /** Up when the view is complete and the consumer keeps up. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.kafkaHealth.reachable('kafka', this.kafka.admin, this.settings.healthTimeoutMs),
      () => this.kafkaHealth.clientState('consumer', this.kafka.consumerState, ['joined']),
      () =>
        this.kafkaHealth.clientState('alerting', this.alerts.membership.state, [
          'connected',
          'joined',
          'rebalancing',
        ]),
      () => this.kafkaHealth.clientState('alerts', this.alerts.follower.state, ['joined']),
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
