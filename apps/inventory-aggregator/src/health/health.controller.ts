/**
 * `/health/live`: down only when stream processing stopped for good (state
 * ERROR), so the orchestrator restarts the process; a Kafka outage alone never
 * restarts it. `/health/ready`: up only when the instance is RUNNING, i.e.
 * every task it was assigned has restored its stores from the changelogs; 503
 * during start-up, restore and rebalances, with the phase and last error.
 */
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { StreamsState } from '@eda/streams';
import { InventoryStreams } from '../streams/inventory-streams';

/** Liveness and readiness probes. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly streams: InventoryStreams,
  ) {}

  /** Up unless the engine failed fatally. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => {
        const status = this.streams.describe();
        const check = this.indicators.check('streams');
        return status.state === StreamsState.ERROR ? check.down(status) : check.up({ state: status.state });
      },
    ]);
  }

  /** Up when state is restored and queryable. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const status = this.streams.describe();
        const check = this.indicators.check('streams');
        return this.streams.running ? check.up(status) : check.down(status);
      },
    ]);
  }
}
