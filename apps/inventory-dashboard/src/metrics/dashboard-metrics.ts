/**
 * The dashboard's Prometheus metrics, in a registry of its own (not
 * prom-client's global one), so two app instances in one process, as in the
 * tests, do not collide. Gauges that mirror state (lag, view size) are read at
 * scrape time through `setSources`.
 */
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** Where the scrape-time gauges read from. */
export interface MetricSources {
  lag(): number;
  caughtUp(): boolean;
  stores(): number;
  liveClients(): number;
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
  /** Alerts published to inventory.alerts, by level. */
  readonly alerts = new Counter({
    name: 'dashboard_alerts_published_total',
    help: 'Low-stock alerts published, by level',
    labelNames: ['level'] as const,
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
