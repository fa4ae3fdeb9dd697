/** The simulation backends, offered as one {@link TRANSACTION_PUBLISHERS} list. */
import { Module } from '@nestjs/common';
import { KafkaTransactionPublisher } from './kafka-transaction-publisher';
import { MqTransactionPublisher } from './mq-transaction-publisher';
import { TRANSACTION_PUBLISHERS, type TransactionPublisher } from './transaction-publisher';

/**
 * Provides every configured backend: Kafka always, IBM MQ when its variables
 * are set (`MQ_QMGR` or `MQ_CONN_NAME`). A backend left out of the list
 * answers 501. The MQ publisher exists either way, for its health detail.
 */
@Module({
  providers: [
    KafkaTransactionPublisher,
    MqTransactionPublisher,
    {
      provide: TRANSACTION_PUBLISHERS,
      useFactory: (kafka: KafkaTransactionPublisher, mq: MqTransactionPublisher): TransactionPublisher[] =>
        mq.enabled ? [kafka, mq] : [kafka],
      inject: [KafkaTransactionPublisher, MqTransactionPublisher],
    },
  ],
  exports: [TRANSACTION_PUBLISHERS, KafkaTransactionPublisher, MqTransactionPublisher],
})
export class PublishingModule {}
