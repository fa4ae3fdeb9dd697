/** Prometheus metrics: the registry and its scrape endpoint. */
import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { SimulatorMetrics } from './simulator-metrics';

/** Exports {@link SimulatorMetrics} to the features that record into it. */
@Module({ controllers: [MetricsController], providers: [SimulatorMetrics], exports: [SimulatorMetrics] })
export class MetricsModule {}
