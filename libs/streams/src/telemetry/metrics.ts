import { Attributes, Counter, Histogram, metrics, UpDownCounter } from '@opentelemetry/api';

/** Name of the OpenTelemetry meter every instrument of this library belongs to. */
export const METER_NAME = '@eda/streams';

/** A counter that reports to OpenTelemetry and keeps a local total (for tests and `metricsSnapshot()`). */
export class TotalCounter {
  private value = 0;
  private readonly byReason = new Map<string, number>();

  constructor(
    private readonly instrument: Counter | UpDownCounter,
    private readonly attributes: Attributes,
  ) {}

  add(n: number, extra?: Attributes): void {
    this.value += n;
    const reason = extra?.['reason'];
    if (typeof reason === 'string') this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + n);
    this.instrument.add(n, extra ? { ...this.attributes, ...extra } : this.attributes);
  }

  get total(): number {
    return this.value;
  }

  /** Totals by the `reason` attribute (for counters that carry one, such as drops). */
  get totalsByReason(): Record<string, number> {
    return Object.fromEntries(this.byReason);
  }
}

/** Cumulative bucket counts, sum and count of a {@link LocalHistogram}, as Prometheus reads them. */
export interface HistogramSnapshot {
  /** Upper bounds, ascending (the `+Inf` bucket is `count`). */
  readonly buckets: readonly number[];
  /** Observations at or below each bound (cumulative), aligned with `buckets`. */
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** A histogram that reports to OpenTelemetry and keeps local bucket counts (for `/metrics` and tests). */
export class LocalHistogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    private readonly instrument: Histogram,
    private readonly attributes: Attributes,
    private readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  record(value: number): void {
    this.instrument.record(value, this.attributes);
    this.sum += value;
    this.count += 1;
    this.buckets.forEach((bound, i) => {
      if (value <= bound) this.counts[i] = (this.counts[i] ?? 0) + 1;
    });
  }

  snapshot(): HistogramSnapshot {
    return { buckets: this.buckets, counts: [...this.counts], sum: this.sum, count: this.count };
  }
}

/** Bucket bounds in milliseconds for commit and restore durations. */
export const DURATION_BUCKETS_MS = [
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000,
] as const;

/**
 * A counter of one exactly-once task whose counts wait for its transaction:
 * {@link commit} adds them to the instance's counter, {@link discard} drops
 * them when the transaction aborts and the task reprocesses from its last
 * commit. Otherwise a broker outage would count a duplicate, a late record or
 * a dead-lettered one once per attempt, though its effect happened once.
 */
export class HeldCounter {
  private readonly pending = new Map<string, { n: number; extra: Attributes | undefined }>();

  constructor(private readonly target: TotalCounter) {}

  add(n: number, extra?: Attributes): void {
    const key = extra === undefined ? '' : JSON.stringify(extra);
    const entry = this.pending.get(key);
    if (entry) entry.n += n;
    else this.pending.set(key, { n, extra });
  }

  commit(): void {
    for (const { n, extra } of this.pending.values()) this.target.add(n, extra);
    this.pending.clear();
  }

  discard(): void {
    this.pending.clear();
  }
}

/** The held counters of one exactly-once task: see {@link StreamsMetrics.heldForTask}. */
export interface HeldTaskMetrics {
  /** What the task's processors count into. */
  readonly metrics: StreamsMetrics;
  /** After the task's transaction committed. */
  commit(): void;
  /** After it aborted (the task is closed dirty and reprocesses). */
  discard(): void;
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
  /**
   * Records dropped, by `reason` [dropped-records-total]: `duplicate` (deduplicate), `late` (a
   * window closed in stream time), `deserialization` / `processing` (skipped under the `continue`
   * handler), `null-key`, `null-key-or-value`, `negative-timestamp`.
   */
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
  /**
   * Exactly-once transactions aborted: a task's commit, or the processing inside its open
   * transaction, failed; its uncommitted work was discarded and it reprocesses from its last commit.
   */
  readonly commitFailures: TotalCounter;
  /** Commit latency [commit-latency-avg/max; a backend derives them from the histogram]. */
  readonly commitDuration: LocalHistogram;
  /** Time one task spent restoring its stores from their changelogs before processing [restore-latency]. */
  readonly restoreDuration: LocalHistogram;
  private readonly attributes: Attributes;

  constructor(applicationId: string) {
    const meter = metrics.getMeter(METER_NAME);
    this.attributes = { 'streams.application.id': applicationId };
    const counter = (name: string, description: string, unit = '{record}') =>
      new TotalCounter(meter.createCounter(name, { description, unit }), this.attributes);
    this.recordsProcessed = counter('streams.records.processed', 'Records processed by tasks');
    this.droppedRecords = counter(
      'streams.records.dropped',
      'Records dropped, by reason: duplicate, late, deserialization, processing, null key or value',
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
    this.commitFailures = counter(
      'streams.commit.failures',
      'Commits that failed: a transaction aborted (exactly-once) or output or offsets not written (at-least-once); the tasks reprocess from their last commit',
      '{commit}',
    );
    this.commitDuration = new LocalHistogram(
      meter.createHistogram('streams.commit.duration', {
        description: 'Commit latency (flush, produce, offsets; one transaction under exactly-once)',
        unit: 'ms',
      }),
      this.attributes,
      DURATION_BUCKETS_MS,
    );
    this.restoreDuration = new LocalHistogram(
      meter.createHistogram('streams.restore.duration', {
        description: 'Time a task spent restoring its stores from their changelogs',
        unit: 'ms',
      }),
      this.attributes,
      DURATION_BUCKETS_MS,
    );
  }

  /**
   * A view for one exactly-once task in which the counts of what its
   * transaction makes true (records dropped, records dead-lettered) are held
   * until it commits; every other instrument is this instance's. Records
   * processed stays live: it measures work done (throughput), aborted or not.
   */
  heldForTask(): HeldTaskMetrics {
    const held = [new HeldCounter(this.droppedRecords), new HeldCounter(this.deadLetteredRecords)] as const;
    const [droppedRecords, deadLetteredRecords] = held;
    const metrics = Object.create(this, {
      droppedRecords: { value: droppedRecords },
      deadLetteredRecords: { value: deadLetteredRecords },
    }) as StreamsMetrics;
    return {
      metrics,
      commit: () => held.forEach((c) => c.commit()),
      discard: () => held.forEach((c) => c.discard()),
    };
  }

  /** Records one commit's latency. */
  recordCommit(durationMs: number): void {
    this.commits.add(1);
    this.commitDuration.record(durationMs);
  }

  /** Records how long one task's restoration took (only tasks that replayed a changelog). */
  recordRestore(durationMs: number): void {
    this.restoreDuration.record(durationMs);
  }

  /** Local histograms, keyed by instrument name (milliseconds). */
  histograms(): Record<string, HistogramSnapshot> {
    return {
      'streams.commit.duration': this.commitDuration.snapshot(),
      'streams.restore.duration': this.restoreDuration.snapshot(),
    };
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
      'streams.commit.failures': this.commitFailures.total,
    };
  }
}
