import { RecordHeaders } from '../processor/api';
import { OutgoingRecord } from '../processor/internals/record-collector';
import { Serde } from '../serdes/serde';
import { KeyValue } from '../state/stores';

/** A record read from a {@link TestOutputTopic}. */
export interface TestRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/** What a test topic needs from its driver. */
export interface TestTopicHost {
  pipe(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: RecordHeaders,
  ): void;
  readOutput(topic: string): OutgoingRecord | undefined;
  outputSize(topic: string): number;
}

/**
 * Feeds records into a topic of a {@link TopologyTestDriver}. Each record
 * is processed completely (including repartition hops and a commit that
 * flushes caches) before the call returns. Timestamps default to the
 * topic's clock, which starts at `startTimestamp` and advances by
 * `autoAdvanceMs` after each record.
 */
export class TestInputTopic<K, V> {
  private clock: number;

  /** @internal Use `driver.createInputTopic`. */
  constructor(
    private readonly host: TestTopicHost,
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    startTimestamp: number,
    private readonly autoAdvanceMs: number,
  ) {
    this.clock = startTimestamp;
  }

  /** Pipes one record; `timestamp` defaults to the topic's clock. */
  pipeInput(key: K | null, value: V | null, timestamp?: number, headers: RecordHeaders = {}): void {
    const ts = timestamp ?? this.clock;
    this.clock = (timestamp ?? this.clock) + this.autoAdvanceMs;
    this.host.pipe(
      this.topic,
      key === null ? null : this.keySerde.serialize(key, this.topic),
      value === null ? null : this.valueSerde.serialize(value, this.topic),
      ts,
      headers,
    );
  }

  /** Pipes a value with a null key. */
  pipeValue(value: V, timestamp?: number): void {
    this.pipeInput(null, value, timestamp);
  }

  /** Pipes each pair in order. */
  pipeKeyValueList(pairs: Array<KeyValue<K, V>>): void {
    for (const { key, value } of pairs) this.pipeInput(key, value);
  }

  /** Moves the topic's clock forward. */
  advanceTime(ms: number): void {
    this.clock += ms;
  }
}

/** Reads what a topology wrote to a topic of a {@link TopologyTestDriver}. Reading consumes. */
export class TestOutputTopic<K, V> {
  /** @internal Use `driver.createOutputTopic`. */
  constructor(
    private readonly host: TestTopicHost,
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  /** The next record; throws when the topic is empty, as Kafka Streams' does. */
  readRecord(): TestRecord<K, V> {
    const r = this.host.readOutput(this.topic);
    if (!r) throw new Error(`Output topic '${this.topic}' is empty.`);
    return {
      key: r.key === null ? null : this.keySerde.deserialize(r.key, this.topic),
      value: r.value === null ? null : this.valueSerde.deserialize(r.value, this.topic),
      timestamp: r.timestamp,
      headers: r.headers,
    };
  }

  readValue(): V | null {
    return this.readRecord().value;
  }

  readKeyValue(): KeyValue<K | null, V | null> {
    const { key, value } = this.readRecord();
    return { key, value };
  }

  readRecordsToList(): Array<TestRecord<K, V>> {
    const out: Array<TestRecord<K, V>> = [];
    while (!this.isEmpty()) out.push(this.readRecord());
    return out;
  }

  readKeyValuesToList(): Array<KeyValue<K | null, V | null>> {
    return this.readRecordsToList().map(({ key, value }) => ({ key, value }));
  }

  /** Latest value per key (a null value removes the key), like reading a compacted topic. */
  readKeyValuesToMap(): Map<K | null, V> {
    const map = new Map<K | null, V>();
    for (const { key, value } of this.readRecordsToList()) {
      if (value === null) map.delete(key);
      else map.set(key, value);
    }
    return map;
  }

  readValuesToList(): Array<V | null> {
    return this.readRecordsToList().map((r) => r.value);
  }

  isEmpty(): boolean {
    return this.host.outputSize(this.topic) === 0;
  }

  getQueueSize(): number {
    return this.host.outputSize(this.topic);
  }
}
