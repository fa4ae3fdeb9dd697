/** Interactive queries: the endpoints and the routing between instances. */
import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { StreamsModule } from '../streams/streams.module';
import { InventoryQueryController } from './inventory-query.controller';
import { InventoryQueryService } from './inventory-query.service';

/** `/api/items/...` and `/api/stores/...`. */
@Module({
  imports: [StreamsModule, MetricsModule],
  controllers: [InventoryQueryController],
  providers: [InventoryQueryService],
})
export class QueriesModule {}
