/** Prometheus metrics: the registry and its scrape endpoint. */
import { Module } from '@nestjs/common';
import { StreamsModule } from '../streams/streams.module';
import { AggregatorMetrics } from './aggregator-metrics';
import { MetricsController } from './metrics.controller';

/** Exports {@link AggregatorMetrics} to the features that record into it. */
@Module({
  imports: [StreamsModule],
  controllers: [MetricsController],
  providers: [AggregatorMetrics],
  exports: [AggregatorMetrics],
})
export class MetricsModule {}
