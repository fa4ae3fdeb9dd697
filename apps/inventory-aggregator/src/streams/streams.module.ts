/** The running topology, shared by queries, health and metrics. */
import { Module } from '@nestjs/common';
import { InventoryStreams } from './inventory-streams';

/** Provides the single {@link InventoryStreams} of the app. */
@Module({ providers: [InventoryStreams], exports: [InventoryStreams] })
export class StreamsModule {}
