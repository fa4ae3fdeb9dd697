/** The bridge feature: the MQ transport, its handler, and the Kafka producer. */
import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { ItemsBridgeController } from './items-bridge.controller';
import { ItemsProducer } from './items-producer';
import { MqBridgeTransport } from './mq-bridge-transport';

/** Exports the transport and the producer to health. */
@Module({
  imports: [MetricsModule],
  controllers: [ItemsBridgeController],
  providers: [ItemsProducer, MqBridgeTransport],
  exports: [ItemsProducer, MqBridgeTransport],
})
export class BridgeModule {}
