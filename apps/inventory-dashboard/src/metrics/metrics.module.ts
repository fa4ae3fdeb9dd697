/** Prometheus metrics: the registry and its scrape endpoint. */
import { Module } from '@nestjs/common';
import { DashboardMetrics } from './dashboard-metrics';
import { MetricsController } from './metrics.controller';

/** Exports {@link DashboardMetrics} to the features that record into it. */
@Module({ controllers: [MetricsController], providers: [DashboardMetrics], exports: [DashboardMetrics] })
export class MetricsModule {}
