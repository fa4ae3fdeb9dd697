/** Low-stock alerting: the publisher, its membership of the alerting group and the alerts follower. */
import { Module } from '@nestjs/common';
import { ConsumerModule } from '../consumer/consumer.module';
import { MetricsModule } from '../metrics/metrics.module';
import { AlertPublisher } from './alert-publisher';

/** Exports {@link AlertPublisher} (handlers feed it; health reads its consumers' states). */
@Module({
  imports: [ConsumerModule, MetricsModule],
  providers: [AlertPublisher],
  exports: [AlertPublisher],
})
export class AlertsModule {}
