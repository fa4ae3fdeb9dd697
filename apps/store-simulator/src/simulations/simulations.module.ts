/** The simulations feature: HTTP API and the runs behind it. */
import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { PublishingModule } from '../publishing/publishing.module';
import { SimulationsController } from './simulations.controller';
import { SimulationsService } from './simulations.service';

/** Exports {@link SimulationsService} for the CLI. */
@Module({
  imports: [PublishingModule, MetricsModule],
  controllers: [SimulationsController],
  providers: [SimulationsService],
  exports: [SimulationsService],
})
export class SimulationsModule {}
