/** Health probes (Terminus). */
import { HealthProbeLogger } from '@eda/app-runtime';
import { Module } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { kafkaHealthIndicatorProvider } from '@eda/kafka';
import { AlertsModule } from '../alerts/alerts.module';
import { ConsumerModule } from '../consumer/consumer.module';
import { HealthController } from './health.controller';

/** `/health/live` and `/health/ready`. */
@Module({
  imports: [
    TerminusModule.forRoot({ errorLogStyle: 'json', logger: HealthProbeLogger }),
    ConsumerModule,
    AlertsModule,
  ],
  controllers: [HealthController],
  providers: [kafkaHealthIndicatorProvider(HealthIndicatorService)],
})
export class HealthModule {}
