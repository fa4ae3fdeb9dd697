/**
 * The retry and dead-letter topics of one consumer, and the backoff between
 * attempts. A small immutable options object in the Kafka Streams manner:
 * `RetryTopology.of('inventory-dashboard', [1000, 10000])`.
 *
 * Naming convention (declared as KafkaTopic files in `gitops/`):
 *
 * | topic                                | holds                                          |
 * | ------------------------------------ | ---------------------------------------------- |
 * | `<consumer>.<topic>.retry.<n>`       | records waiting for attempt n+1, n = 1..levels |
 * | `<topic>.dlq`                        | records that failed for good, or never decoded |
 *
 * Retry topics belong to the consumer (another app reading the same topic has
 * its own), one per level, so every record on a level waits the same delay and
 * a waiting record never sits behind one with a longer delay. The DLQ belongs
 * to the topic: an operator looks in one place per topic.
 */

/** Where a failed record goes next. */
export type FailureRoute =
  | { readonly kind: 'retry'; readonly topic: string; readonly level: number; readonly delayMs: number }
  | { readonly kind: 'dead-letter'; readonly topic: string };

/** Retry levels and names for one consumer application. */
export class RetryTopology {
  private constructor(
    /** The consuming application's name, the retry topics' prefix. */
    readonly consumer: string,
    /** Delay before attempt n+1, for n = 1..levels. Empty: no retries, failures go to the DLQ. */
    readonly backoffMs: readonly number[],
  ) {}

  /** A topology with one retry level per entry of `backoffMs`. */
  static of(consumer: string, backoffMs: readonly number[]): RetryTopology {
    if (!/^[A-Za-z0-9._-]+$/.test(consumer)) {
      throw new TypeError(`consumer name "${consumer}" is not usable in a topic name`);
    }
    if (backoffMs.some((ms) => !Number.isInteger(ms) || ms < 0)) {
      throw new TypeError(`backoff delays must be non-negative integers, got ${backoffMs.join(',')}`);
    }
    return new RetryTopology(consumer, Object.freeze([...backoffMs]));
  }

  /** Number of retry levels; a record is attempted at most `levels + 1` times. */
  get levels(): number {
    return this.backoffMs.length;
  }

  /** `<consumer>.<topic>.retry.<level>`, level from 1. */
  retryTopic(topic: string, level: number): string {
    return `${this.consumer}.${topic}.retry.${level}`;
  }

  /** Every retry topic of `topic`, level 1 first. */
  retryTopics(topic: string): string[] {
    return this.backoffMs.map((_, i) => this.retryTopic(topic, i + 1));
  }

  /** `<topic>.dlq`. */
  deadLetterTopic(topic: string): string {
    return `${topic}.dlq`;
  }

  /**
   * The original topic and retry level of a topic this consumer reads, or
   * `undefined` for a topic that is not one of its retry topics.
   */
  parseRetryTopic(topic: string): { readonly topic: string; readonly level: number } | undefined {
    const prefix = `${this.consumer}.`;
    const match = /^(.+)\.retry\.(\d+)$/.exec(topic);
    if (!topic.startsWith(prefix) || !match) return undefined;
    const level = Number(match[2]);
    if (level < 1 || level > this.levels) return undefined;
    return { topic: (match[1] as string).slice(prefix.length), level };
  }

  /**
   * Where a record goes after failing attempt `attempts` (1 = first try):
   * the next retry level while one is left and the error is retriable, else the DLQ.
   */
  routeAfterFailure(topic: string, attempts: number, retriable: boolean): FailureRoute {
    if (retriable && attempts <= this.levels) {
      return {
        kind: 'retry',
        topic: this.retryTopic(topic, attempts),
        level: attempts,
        delayMs: this.backoffMs[attempts - 1] as number,
      };
    }
    return { kind: 'dead-letter', topic: this.deadLetterTopic(topic) };
  }
}
