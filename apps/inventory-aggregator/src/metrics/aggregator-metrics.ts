/**
 * The aggregator's Prometheus metrics, in a registry of its own (not
 * prom-client's global one), so two instances in one process, as in the
 * tests, do not collide. The engine's totals are read at scrape time.
 */
import { Injectable } from '@nestjs/common';
import { StreamsState } from '@eda/streams';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { InventoryStreams } from '../streams/inventory-streams';

/** Engine totals exported as counters: `streams.records.processed` -> `aggregator_streams_records_processed_total`. */
const ENGINE_TOTALS = [
  ['streams.records.processed', 'Records processed by the tasks of this instance'],
  ['streams.records.dead_lettered', 'Undecodable input records written to the dead-letter topic'],
  ['streams.restore.records', 'Changelog records restored into stores'],
  ['streams.commits', 'Commits completed (transactions under exactly-once)'],
] as const;

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

  constructor(streams: InventoryStreams) {
    collectDefaultMetrics({ register: this.registry });
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
