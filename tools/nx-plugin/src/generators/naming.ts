/**
 * The names a generator derives from its options, and the rules they must
 * follow. Every check runs before any file is written, so a bad name is
 * refused with a message and leaves the tree as it was.
 */

/** A name or option the generators refuse. Not retriable: change the option and run again. */
export class GeneratorOptionError extends Error {
  readonly code = 'EDA_GENERATOR_OPTION';
  readonly retriable = false;

  constructor(message: string) {
    super(`${message} Nothing was written.`);
    this.name = 'GeneratorOptionError';
  }
}

/** Service names: a DNS label (chart, Deployment, KafkaUser, compose service and folder name). */
const SERVICE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Topic names: lowercase dot-separated segments of letters, digits and dashes.
 * That is both a valid Kafka topic name and a valid KafkaTopic `metadata.name`
 * (a DNS subdomain), so `metadata.name` and `spec.topicName` stay equal. No `_`:
 * Kafka's metrics would collide `a_b` with `a.b`.
 */
const TOPIC_NAME = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/;

/** Suffixes the libraries give their own topics; a topic of the catalog may not pretend to be one. */
const RESERVED_TOPIC_SUFFIXES = [/\.dlq$/, /\.retry\.\d+$/, /-changelog$/, /-repartition$/];

/** Throws unless `name` can name a service. */
export function assertServiceName(name: string): void {
  if (!SERVICE_NAME.test(name) || name.length > 40) {
    throw new GeneratorOptionError(
      `Service name "${name}" is invalid: use lowercase letters, digits and single dashes, ` +
        `starting with a letter, at most 40 characters (e.g. "orders" or "order-totals").`,
    );
  }
}

/** Throws unless `topic` follows the topic-name rules; `internal` allows the libraries' own suffixes. */
export function assertTopicName(topic: string, internal = false): void {
  if (!TOPIC_NAME.test(topic) || topic.length > 200) {
    throw new GeneratorOptionError(
      `Topic name "${topic}" breaks the topic-name rules: lowercase dot-separated segments of ` +
        `letters, digits and single dashes, at most 200 characters, no "_" (e.g. "orders.totals").`,
    );
  }
  const reserved = RESERVED_TOPIC_SUFFIXES.find((r) => r.test(topic));
  if (!internal && reserved) {
    throw new GeneratorOptionError(
      `Topic name "${topic}" ends like a topic the libraries name themselves (${reserved.source}); ` +
        `dead-letter, retry, changelog and repartition topics come with their service.`,
    );
  }
}

/** `a,b, c` or `['a', 'b']` as a list without blanks or repeats. */
export function topicList(value: string | readonly string[] | undefined): string[] {
  const raw = typeof value === 'string' ? value.split(',') : [...(value ?? [])];
  return [...new Set(raw.map((t) => t.trim()).filter(Boolean))];
}

/** `orders.totals` -> `OrdersTotals`; `order-lines` -> `OrderLines`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `orders.totals` -> `ordersTotals`. */
export function camelCase(name: string): string {
  const p = pascalCase(name);
  return p[0]!.toLowerCase() + p.slice(1);
}

/** `orders.totals` -> `ORDERS_TOTALS`. */
export function constantCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .join('_')
    .toUpperCase();
}

/** The names a template uses for one topic. */
export interface TopicNames {
  /** The topic itself. */
  readonly topic: string;
  /** Settings key: `ordersTotals`. */
  readonly property: string;
  /** Environment variable: `ORDERS_TOTALS_TOPIC`. */
  readonly env: string;
  /** Avro record (and generated type) carried on the topic: `OrdersTotals` unless the catalog says otherwise. */
  readonly record: string;
}

/** Names of `topic`, whose values are records named `record`. */
export function topicNames(topic: string, record: string): TopicNames {
  return { topic, property: camelCase(topic), env: `${constantCase(topic)}_TOPIC`, record };
}
