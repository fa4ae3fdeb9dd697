/**
 * Turns a got MQ message into the packet Nest routes: the pattern is the
 * queue's pattern (as `ServerKafka` routes by topic), the data the message
 * body as bytes. MQ producers are rarely Nest apps, so the body is not
 * expected to carry a `{ pattern, data }` envelope; handlers parse it.
 */
import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';
import type { MqMessage } from '../client/mq-message';

/** The default deserializer of `ServerMQ`. */
export class MqMessageDeserializer implements ConsumerDeserializer {
  deserialize(value: MqMessage, options?: Record<string, unknown>): IncomingEvent {
    return { pattern: String(options?.['channel'] ?? ''), data: value.body };
  }
}
