/**
 * The dashboard's Prometheus metrics, in a registry of its own (not
 * prom-client's global one), so two app instances in one process, as in the
 * tests, do not collide. Gauges that mirror state (lag, view size) are read at
 * scrape time through `setSources`.
 */
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where the scrape-time gauges read from. */
export interface MetricSources {
  lag(): number;
  caughtUp(): boolean;
  stores(): number;
  liveClients(): number;
  /** store.inventory partitions (alerting tasks) whose alerts this replica raises. */
  alertingPartitions(): number;
}

/** Counters and gauges of the consumer, alerts and page. */
@Injectable()
export class DashboardMetrics {
  /** The registry `/metrics` renders. */
  readonly registry = new Registry();
  /** Records handled, by event and outcome (processed, retried, dead_lettered, skipped, interrupted). */
  readonly records = new Counter({
    name: 'dashboard_records_total',
    help: 'Records handled, by event pattern and outcome',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });
  /** Alerts the alerting tasks of this replica sent to inventory.alerts, by level. */
  readonly alerts = new Counter({
    name: 'dashboard_alerts_published_total',
    help: 'Low-stock alerts published by this replica, by level',
    labelNames: ['level'] as const,
    registers: [this.registry],
  });
  /** Event time of a store's latest transaction to the view (page and pushes) showing it, once caught up. */
  readonly eventToPage = new Histogram({
    name: 'dashboard_event_to_page_seconds',
    help: "End-to-end latency: a store's latest transaction's event time to the page's view showing it (pushed to open pages); after the replay only",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  private sources: MetricSources | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const read = (pick: (s: MetricSources) => number) => () => (this.sources ? pick(this.sources) : 0);
    this.gauge(
      'dashboard_consumer_lag',
      'Records behind the input topics high watermarks',
      read((s) => s.lag()),
    );
    this.gauge(
      'dashboard_caught_up',
      '1 once the view replayed the input topics',
      read((s) => (s.caughtUp() ? 1 : 0)),
    );
    this.gauge(
      'dashboard_view_stores',
      'Stores in the view',
      read((s) => s.stores()),
    );
    this.gauge(
      'dashboard_live_clients',
      'Open server-sent event streams',
      read((s) => s.liveClients()),
    );
    this.gauge(
      'dashboard_alerting_partitions',
      'store.inventory partitions whose alerts this replica raises (its alerting tasks)',
      read((s) => s.alertingPartitions()),
    );
  }

  /** Connects the scrape-time gauges to the app's state. */
  setSources(sources: MetricSources): void {
    this.sources = sources;
  }

  private gauge(name: string, help: string, value: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(value());
      },
    });
  }
}
