/**
 * The aggregator's Prometheus metrics, in a registry of its own (not
 * prom-client's global one), so two instances in one process, as in the
 * tests, do not collide. The engine's totals are read at scrape time.
 */
import { Injectable } from '@nestjs/common';
import { StreamsState } from '@eda/streams';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { InventoryStreams } from '../streams/inventory-streams';

/** Engine totals exported as counters: `streams.records.processed` -> `aggregator_streams_records_processed_total`. */
const ENGINE_TOTALS = [
  ['streams.records.processed', 'Records processed by the tasks of this instance'],
  ['streams.records.dead_lettered', 'Undecodable input records written to the dead-letter topic'],
  ['streams.restore.records', 'Changelog records restored into stores'],
  ['streams.commits', 'Commits completed (transactions under exactly-once)'],
  [
    'streams.commit.failures',
    'Exactly-once transactions aborted: a commit (or the processing inside it) failed; the task reprocesses from its last commit',
  ],
] as const;

/** Engine histograms (milliseconds) exported in seconds: `streams.commit.duration` -> `aggregator_streams_commit_duration_seconds`. */
const ENGINE_HISTOGRAMS = [
  [
    'streams.commit.duration',
    'Commit latency: flush, produce, offsets (one transaction per task under exactly-once)',
  ],
  [
    'streams.restore.duration',
    'Time one task spent restoring its stores from their changelogs before processing',
  ],
] as const;

/** Buckets of the end-to-end latency histograms (seconds): sub-second to a minute; beyond is a backlog. */
export const END_TO_END_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Query outcomes, the engine's state and totals, and Node's process metrics. */
@Injectable()
export class AggregatorMetrics {
  /** The registry `/metrics` renders. */
  readonly registry = new Registry();
  /** Interactive queries by endpoint and outcome (local, forwarded, not_found, unavailable, bad_request). */
  readonly queries = new Counter({
    name: 'aggregator_queries_total',
    help: 'Interactive queries answered, by endpoint and outcome',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Event time of a transaction to its store's stock taking it in (from then on the query API shows it). */
  readonly eventToQueryable = new Histogram({
    name: 'aggregator_event_to_queryable_seconds',
    help: "End-to-end latency: a transaction's event time to its store's stock including it (visible in the query API)",
    buckets: END_TO_END_BUCKETS,
    registers: [this.registry],
  });

  constructor(streams: InventoryStreams) {
    collectDefaultMetrics({ register: this.registry });
    streams.onStoreStockApplied((eventTime) =>
      this.eventToQueryable.observe(Math.max(0, Date.now() - eventTime) / 1000),
    );
    new Gauge({
      name: 'aggregator_streams_running',
      help: '1 when every assigned task is restored and processing (RUNNING), else 0',
      registers: [this.registry],
      collect() {
        this.set(streams.state === StreamsState.RUNNING ? 1 : 0);
      },
    });
    new Gauge({
      name: 'aggregator_streams_tasks_active',
      help: 'Tasks this instance runs',
      registers: [this.registry],
      collect() {
        this.set(streams.metrics()['streams.tasks.active'] ?? 0);
      },
    });
    new Counter({
      name: 'aggregator_streams_records_dropped_total',
      help: 'Records dropped, by reason: duplicate (same id), late (its window closed), undecodable (skipped)',
      labelNames: ['reason'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const { deserialization = 0, ...others } = streams.droppedByReason();
        // The reasons a user of this topology watches, at 0 until they happen; then any other seen.
        const totals = { duplicate: 0, late: 0, ...others, undecodable: deserialization };
        for (const [reason, n] of Object.entries(totals)) this.inc({ reason }, n);
      },
    });
    new Gauge({
      name: 'aggregator_streams_state',
      help: "The engine's state: 1 for the current one (CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING, ERROR)",
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const state of Object.values(StreamsState)) this.set({ state }, streams.state === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'aggregator_streams_task_running',
      help: 'Tasks this instance runs, restored and processing: 1 per task id (<subtopology>_<partition>)',
      labelNames: ['task'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const task of streams.localTaskIds()) this.set({ task }, 1);
      },
    });
    new Gauge({
      name: 'aggregator_streams_lag',
      help: 'Records behind the end of the input partition, per task this instance runs (committed offset to high watermark)',
      labelNames: ['task', 'topic', 'partition'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        // A scrape while Kafka is unreachable shows no lag series rather than failing the whole scrape.
        const lags = await streams.taskLag().catch(() => []);
        for (const { task, topic, partition, lag } of lags)
          this.set({ task, topic, partition: String(partition) }, lag);
      },
    });
    for (const [key, help] of ENGINE_HISTOGRAMS) {
      this.registry.registerMetric(
        secondsHistogram(
          `aggregator_${key.replaceAll('.', '_')}_seconds`,
          help,
          () => streams.histograms()[key],
        ),
      );
    }
    for (const [key, help] of ENGINE_TOTALS) {
      new Counter({
        name: `aggregator_${key.replaceAll('.', '_')}_total`,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(streams.metrics()[key] ?? 0);
        },
      });
    }
  }
}

/**
 * A Prometheus histogram over the engine's own bucket counts (milliseconds),
 * read at scrape time and exported in seconds.
 */
function secondsHistogram(
  name: string,
  help: string,
  read: () =>
    { buckets: readonly number[]; counts: readonly number[]; sum: number; count: number } | undefined,
): Metric {
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: () => {
      const h = read() ?? { buckets: [], counts: [], sum: 0, count: 0 };
      const values = [
        ...h.buckets.map((bound, i) => ({
          metricName: `${name}_bucket`,
          labels: { le: bound / 1000 },
          value: h.counts[i] ?? 0,
        })),
        { metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: h.count },
        { metricName: `${name}_sum`, labels: {}, value: h.sum / 1000 },
        { metricName: `${name}_count`, labels: {}, value: h.count },
      ];
      return Promise.resolve({ name, help, type: 'histogram', aggregator: 'sum', values });
    },
    reset: () => undefined,
  };
  return metric as unknown as Metric;
}
