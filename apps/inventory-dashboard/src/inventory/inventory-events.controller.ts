/**
 * The Kafka handlers: one `@EventPattern` per input topic (the contract's
 * topic names; retry topics map to the same pattern). Each runs its work
 * through the {@link RecordProcessor}, which routes failures and commits.
 */
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload, type KafkaContext } from '@nestjs/microservices';
import type { ItemInventory, StoreInventory, StoreSalesWindow } from '@eda/events';
import { DashboardKafka } from '../consumer/dashboard-kafka';
import { DashboardEvents, type InboundRecord } from '../consumer/inbound-record';
import { InventoryView } from './inventory-view';

/**
 * Applies the three input topics to the view. (`EventPattern<string>` selects
 * the untyped overload: the typed one declares the context as `unknown`.)
 */
@Controller()
export class InventoryEventsController {
  constructor(
    private readonly kafka: DashboardKafka,
    private readonly view: InventoryView,
  ) {}

  /** A store's full stock (its alerts are the alerting topology's, alerts/). */
  @EventPattern<string>(DashboardEvents.STORE_INVENTORY)
  async onStoreInventory(@Payload() record: InboundRecord<StoreInventory>, @Ctx() context: KafkaContext) {
    await this.kafka.processor.process(record, context, async (store) => {
      this.view.applyStoreInventory(store?.storeId ?? record.key?.toString() ?? '', store);
    });
  }

  /** An item's stock across stores. */
  @EventPattern<string>(DashboardEvents.ITEM_INVENTORY)
  async onItemInventory(@Payload() record: InboundRecord<ItemInventory>, @Ctx() context: KafkaContext) {
    await this.kafka.processor.process(record, context, (item) => {
      this.view.applyItemInventory(item?.sku ?? record.key?.toString() ?? '', item);
    });
  }

  /** A store's sales in a one-minute window (a window is updated until its grace ends). */
  @EventPattern<string>(DashboardEvents.STORE_SALES)
  async onSalesWindow(@Payload() record: InboundRecord<StoreSalesWindow>, @Ctx() context: KafkaContext) {
    await this.kafka.processor.process(record, context, (window) => {
      if (window !== null) this.view.applySalesWindow(window);
    });
  }
}
