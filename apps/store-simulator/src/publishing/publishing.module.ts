/** The simulation backends, offered as one {@link TRANSACTION_PUBLISHERS} list. */
import { Module } from '@nestjs/common';
import { KafkaTransactionPublisher } from './kafka-transaction-publisher';
import { TRANSACTION_PUBLISHERS, type TransactionPublisher } from './transaction-publisher';

/** Provides every implemented backend; the MQ bridge adds its publisher to the list. */
@Module({
  providers: [
    KafkaTransactionPublisher,
    {
      provide: TRANSACTION_PUBLISHERS,
      useFactory: (kafka: KafkaTransactionPublisher): TransactionPublisher[] => [kafka],
      inject: [KafkaTransactionPublisher],
    },
  ],
  exports: [TRANSACTION_PUBLISHERS, KafkaTransactionPublisher],
})
export class PublishingModule {}
