/** Prometheus metrics: the registry and its scrape endpoint. */
import { Module } from '@nestjs/common';
import { BridgeMetrics } from './bridge-metrics';
import { MetricsController } from './metrics.controller';

/** Exports {@link BridgeMetrics} to the bridge, which records into it. */
@Module({ controllers: [MetricsController], providers: [BridgeMetrics], exports: [BridgeMetrics] })
export class MetricsModule {}
