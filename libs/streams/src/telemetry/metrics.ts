import { Attributes, Counter, Histogram, metrics, UpDownCounter } from '@opentelemetry/api';

/** Name of the OpenTelemetry meter every instrument of this library belongs to. */
export const METER_NAME = '@eda/streams';

/** A counter that reports to OpenTelemetry and keeps a local total (for tests and `metricsSnapshot()`). */
export class TotalCounter {
  private value = 0;

  constructor(
    private readonly instrument: Counter | UpDownCounter,
    private readonly attributes: Attributes,
  ) {}

  add(n: number, extra?: Attributes): void {
    this.value += n;
    this.instrument.add(n, extra ? { ...this.attributes, ...extra } : this.attributes);
  }

  get total(): number {
    return this.value;
  }
}

/**
 * The instance's metrics, through the OpenTelemetry metrics API only: with no
 * SDK registered every instrument is a no-op, so the library costs nothing
 * until an app installs a MeterProvider (for example a Prometheus exporter).
 * Names follow OTel semantic style; Kafka Streams' equivalents in brackets.
 */
export class StreamsMetrics {
  /** Records processed [process-total; a backend derives process-rate]. */
  readonly recordsProcessed: TotalCounter;
  /** Records dropped, by `reason` (late, expired, deserialization) [dropped-records-total]. */
  readonly droppedRecords: TotalCounter;
  /**
   * Records written to the dead-letter topic (KIP-1034), by source `topic` and `reason`
   * (deserialization, processing). Not counted as dropped: nothing is lost.
   */
  readonly deadLetteredRecords: TotalCounter;
  /** Records replayed from changelogs into stores [restore-total]. */
  readonly restoredRecords: TotalCounter;
  /** Store writes [put-total]. */
  readonly storePuts: TotalCounter;
  /** Active tasks on this instance [active-task count]. */
  readonly activeTasks: TotalCounter;
  /** Commits (each is one transaction per task under exactly-once). */
  readonly commits: TotalCounter;
  private readonly commitLatency: Histogram;
  private readonly attributes: Attributes;

  constructor(applicationId: string) {
    const meter = metrics.getMeter(METER_NAME);
    this.attributes = { 'streams.application.id': applicationId };
    const counter = (name: string, description: string, unit = '{record}') =>
      new TotalCounter(meter.createCounter(name, { description, unit }), this.attributes);
    this.recordsProcessed = counter('streams.records.processed', 'Records processed by tasks');
    this.droppedRecords = counter(
      'streams.records.dropped',
      'Records dropped: late, expired, or undecodable',
    );
    this.deadLetteredRecords = counter(
      'streams.records.dead_lettered',
      'Records written to the dead-letter topic: undecodable, or processing failed',
    );
    this.restoredRecords = counter('streams.restore.records', 'Changelog records restored into stores');
    this.storePuts = counter('streams.store.puts', 'Writes to state stores', '{operation}');
    this.commits = counter('streams.commits', 'Commits completed', '{commit}');
    this.activeTasks = new TotalCounter(
      meter.createUpDownCounter('streams.tasks.active', { description: 'Active tasks', unit: '{task}' }),
      this.attributes,
    );
    this.commitLatency = meter.createHistogram('streams.commit.duration', {
      description: 'Commit latency (flush, produce, offsets; one transaction under exactly-once)',
      unit: 'ms',
    });
  }

  /** Records one commit's latency. */
  recordCommit(durationMs: number): void {
    this.commits.add(1);
    this.commitLatency.record(durationMs, this.attributes);
  }

  /** Local totals, keyed by instrument name. */
  snapshot(): Record<string, number> {
    return {
      'streams.records.processed': this.recordsProcessed.total,
      'streams.records.dropped': this.droppedRecords.total,
      'streams.records.dead_lettered': this.deadLetteredRecords.total,
      'streams.restore.records': this.restoredRecords.total,
      'streams.store.puts': this.storePuts.total,
      'streams.tasks.active': this.activeTasks.total,
      'streams.commits': this.commits.total,
    };
  }
}
