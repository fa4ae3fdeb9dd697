/** Health probes (Terminus). */
import { HealthProbeLogger } from '@eda/app-runtime';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { StreamsModule } from '../streams/streams.module';
import { HealthController } from './health.controller';

/** `/health/live` and `/health/ready`. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: HealthProbeLogger }), StreamsModule],
  controllers: [HealthController],
})
export class HealthModule {}
