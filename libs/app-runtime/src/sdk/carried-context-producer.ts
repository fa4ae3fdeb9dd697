/**
 * The kafkajs instrumentation opens a `send <topic>` PRODUCER span per record
 * whose parent is the context *active at send time*, and then overwrites the
 * record's `traceparent` with that span. Two places send records long after
 * (and outside of) the work that produced them:
 *
 * - the streams engine collects output and repartition records while a record
 *   (or an aggregate span) is active, and sends them at commit, inside the
 *   instrumentation's own `transaction` span;
 * - the MQ bridge coalesces the records of many MQ messages into one send.
 *
 * With the stock behaviour the header the producing code wrote (through
 * `injectTraceContext` or the streams sink) is replaced, and the consumer's
 * span lands in an unrelated trace. This patch makes the producer span a
 * child of the context the record *carries* when it carries one, so the
 * header the consumer sees points at a send span inside the record's own
 * trace; records without a header keep the stock behaviour (active context).
 */
import { context, propagation, ROOT_CONTEXT, trace, type TextMapGetter } from '@opentelemetry/api';

type Headers = Record<string, unknown>;

const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) return value.map((v) => String(v));
    return String(value);
  },
};

interface ProducerSpanStarter {
  _startProducerSpan(topic: string, message: { headers?: Headers }, client: unknown): unknown;
}

/**
 * Patches one KafkaJsInstrumentation instance (its private
 * `_startProducerSpan`, present in 0.33.x; an unknown shape is left alone and
 * reported as `false`, so an upgrade that renames it shows in the unit test).
 */
export function parentProducerSpansOnCarriedContext(instrumentation: object): boolean {
  const target = instrumentation as Partial<ProducerSpanStarter>;
  const original = target._startProducerSpan;
  if (typeof original !== 'function') return false;
  target._startProducerSpan = function (this: unknown, topic, message, client) {
    const carried = message.headers
      ? propagation.extract(ROOT_CONTEXT, message.headers, headerGetter)
      : undefined;
    const carriedSpan = carried && trace.getSpanContext(carried);
    if (!carried || !carriedSpan || !trace.isSpanContextValid(carriedSpan)) {
      return original.call(this, topic, message, client);
    }
    return context.with(carried, () => original.call(this, topic, message, client));
  };
  return true;
}
