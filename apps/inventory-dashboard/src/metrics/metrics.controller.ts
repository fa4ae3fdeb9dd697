/** `GET /metrics` in the Prometheus text format. */
import { Controller, Get, Res } from '@nestjs/common';
import { DashboardMetrics } from './dashboard-metrics';

/** The part of the HTTP response the controller touches (Express or Fastify). */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** Serves the dashboard metrics registry. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: DashboardMetrics) {}

  /** Every metric, rendered for a scrape. */
  @Get()
  async scrape(@Res({ passthrough: true }) response: HeaderSink): Promise<string> {
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
