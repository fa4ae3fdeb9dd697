/** Health probes (Terminus). */
import { HealthProbeLogger } from '@eda/app-runtime';
import { Module } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { kafkaHealthIndicatorProvider } from '@eda/kafka';
import { BridgeModule } from '../bridge/bridge.module';
import { HealthController } from './health.controller';

/** `/health/live` and `/health/ready`. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: HealthProbeLogger }), BridgeModule],
  controllers: [HealthController],
  providers: [kafkaHealthIndicatorProvider(HealthIndicatorService)],
})
export class HealthModule {}
