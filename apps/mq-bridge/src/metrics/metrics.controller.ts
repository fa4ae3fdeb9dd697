/** `GET /metrics` in the Prometheus text format. */
import { Controller, Get, Res } from '@nestjs/common';
import { BridgeMetrics } from './bridge-metrics';

/** The part of the HTTP response the controller touches (Express or Fastify). */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** Serves the bridge's metrics registry. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: BridgeMetrics) {}

  /** Every metric, rendered for a scrape. */
  @Get()
  async scrape(@Res({ passthrough: true }) response: HeaderSink): Promise<string> {
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
