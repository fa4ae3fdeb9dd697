/**
 * The bridge itself: each MQ message `ServerMQ` gets from the items queue is
 * parsed, validated and produced to Kafka with the trace context of its MQ
 * properties. The handler resolves only when Kafka acknowledged, which is
 * what lets `ServerMQ` commit the MQ unit of work.
 */
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { kafkaTraceHeadersFromMq, MqContext } from '@eda/mq';
import { parseItemTransaction } from './item-transaction-parser';
import { ItemsProducer } from './items-producer';

/** The pattern `ServerMQ` routes the items queue's messages to (the queue name comes from MQ_QUEUE). */
export const ITEMS_PATTERN = 'mq.items';

/** `@EventPattern` handler of the items queue (`EventPattern<string>` selects the untyped overload, whose context is not `unknown`). */
@Controller()
export class ItemsBridgeController {
  constructor(private readonly producer: ItemsProducer) {}

  /** Poison (unparseable, invalid, refused by Kafka) → `MqPoisonMessageException`; Kafka or registry down → `MqSinkUnavailableException`. */
  @EventPattern<string>(ITEMS_PATTERN)
  async bridge(@Payload() body: Buffer, @Ctx() context: MqContext): Promise<void> {
    const tx = parseItemTransaction(body);
    await this.producer.send(tx, kafkaTraceHeadersFromMq(context.getMessage().properties));
  }
}
