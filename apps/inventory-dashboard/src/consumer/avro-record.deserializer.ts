/**
 * The transport's deserializer: Confluent-framed Avro through `@eda/events`,
 * one serde per record type. Poison-tolerant: it never throws (a throw would
 * escape into kafkajs, which retries the same record forever and blocks the
 * partition). A record that does not decode reaches its handler with the
 * error, and the handler routes it to the DLQ (or to a retry topic when the
 * registry was merely unavailable).
 */
import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';
import type { AvroSerde } from '@eda/events';
import { readFailureHeaders, type FailedRecord } from '@eda/kafka';
import { DashboardEvents, type DashboardEvent, type Decoded, type InboundRecord } from './inbound-record';
import type { TopicRoutes } from './topic-routes';

/** Pattern used for a record from a topic nobody routes; no handler exists, Nest logs it. */
export const UNROUTED_PATTERN = 'eda.unrouted';

/** Decodes each record with the serde of its event. */
export class AvroRecordDeserializer implements ConsumerDeserializer {
  constructor(
    private readonly routes: TopicRoutes,
    private readonly serdes: Readonly<Record<DashboardEvent, AvroSerde<unknown>>>,
  ) {}

  async deserialize(raw: FailedRecord, options?: { channel?: string }): Promise<IncomingEvent> {
    const topic = options?.channel ?? raw.topic;
    const route = this.routes.resolve(topic);
    if (route === undefined) return { pattern: UNROUTED_PATTERN, data: raw };
    const record: InboundRecord<unknown> = {
      event: route.event,
      retryLevel: route.retryLevel,
      inputPartition:
        route.retryLevel === 0 ? raw.partition : (readFailureHeaders(raw.headers)?.partition ?? -1),
      topic,
      partition: raw.partition,
      offset: raw.offset,
      timestamp: raw.timestamp,
      key: raw.key ?? null,
      value: raw.value ?? null,
      headers: raw.headers ?? {},
      decoded: await this.decode(route.event, topic, raw),
    };
    return { pattern: route.event, data: record };
  }

  private async decode(event: DashboardEvent, topic: string, raw: FailedRecord): Promise<Decoded<unknown>> {
    if (raw.value === null || raw.value === undefined) return { ok: true, value: null };
    try {
      const serde = this.serdes[event] ?? this.serdes[DashboardEvents.STORE_INVENTORY];
      const value = await serde.decode(raw.value, { topic, partition: raw.partition, offset: raw.offset });
      return { ok: true, value };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
    }
  }
}
