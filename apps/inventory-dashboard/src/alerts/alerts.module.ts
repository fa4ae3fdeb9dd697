/** Low-stock alerting: the topology that raises alerts, and the feed that shows them on the page. */
import { Module } from '@nestjs/common';
import { ConsumerModule } from '../consumer/consumer.module';
import { MetricsModule } from '../metrics/metrics.module';
import { AlertingStreams } from './alerting-streams';
import { AlertsFeed } from './alerts-feed';

/** Exports {@link AlertingStreams} and {@link AlertsFeed} (health and metrics read their states). */
@Module({
  imports: [ConsumerModule, MetricsModule],
  providers: [AlertingStreams, AlertsFeed],
  exports: [AlertingStreams, AlertsFeed],
})
export class AlertsModule {}
