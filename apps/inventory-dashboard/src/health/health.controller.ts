/**
 * `/health/live`: red when the main consumer or the alerts feed crashed
 * (kafkajs gave up: a non-retriable error, or retries exhausted), or the
 * alerting topology stopped for good (state ERROR): a restart fixes those. A
 * Kafka outage alone does not restart the pod.
 *
 * `/health/ready`: Kafka answers, the consumer has joined its group, the
 * alerts feed has joined, the producer (retries, DLQs) is connected, the
 * alerting topology is RUNNING (its tasks restored, as the aggregator's
 * readiness), the view has replayed the input topics up to their start-up
 * high watermarks, and the lag is under `DASHBOARD_MAX_READY_LAG`. Once the
 * topology has run, REBALANCING counts as ready too: every scale up or down
 * rebalances the shared group, which must not take every replica out of the
 * Service at once; the alerts of a moving task are late, not lost. 503 naming
 * the failing check otherwise.
 */
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { KafkaHealthIndicator, type ClientState } from '@eda/kafka';
import { StreamsState } from '@eda/streams';
import { dashboardConfig, type DashboardSettings } from '../config/dashboard.config';
import { AlertingStreams } from '../alerts/alerting-streams';
import { AlertsFeed } from '../alerts/alerts-feed';
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
    private readonly alerting: AlertingStreams,
    private readonly feed: AlertsFeed,
    @Inject(dashboardConfig.KEY) private readonly settings: DashboardSettings,
  ) {}

  /** Up unless a consumer crashed. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => this.kafkaHealth.clientState('consumer', this.kafka.consumerState, ALIVE),
      () => this.kafkaHealth.clientState('alerts', this.feed.state, ALIVE),
      () => this.alertingCheck((state) => state !== StreamsState.ERROR),
    ]);
  }

  /** Up when the view is complete and the consumer keeps up. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.kafkaHealth.reachable('kafka', this.kafka.admin, this.settings.healthTimeoutMs),
      () => this.kafkaHealth.clientState('consumer', this.kafka.consumerState, ['joined']),
      () => this.kafkaHealth.clientState('alerts', this.feed.state, ['joined']),
      () =>
        this.alertingCheck(
          (state) =>
            state === StreamsState.RUNNING || (state === StreamsState.REBALANCING && this.alerting.hasRun),
        ),
      () => this.kafkaHealth.clientState('producer', this.kafka.producerState, ['connected']),
      () => this.view(),
    ]);
  }

  private alertingCheck(up: (state: StreamsState) => boolean) {
    const indicator = this.indicators.check('alerting');
    const status = this.alerting.describe();
    return up(status.state) ? indicator.up({ state: status.state }) : indicator.down(status);
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
