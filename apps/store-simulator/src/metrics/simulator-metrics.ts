/**
 * The simulator's Prometheus metrics, in a registry of its own (not
 * prom-client's global one), so two app instances in one process, as in the
 * tests, do not collide.
 */
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Counters, a gauge and a histogram the simulations update; plus Node's default process metrics. */
@Injectable()
export class SimulatorMetrics {
  /** The registry `/metrics` renders. */
  readonly registry = new Registry();
  /** Transactions acknowledged by the backend, by backend and transaction type. */
  readonly eventsSent = new Counter({
    name: 'simulator_events_sent_total',
    help: 'Transactions acknowledged by the backend',
    labelNames: ['backend', 'type'] as const,
    registers: [this.registry],
  });
  /** Transactions whose batch the backend did not acknowledge. */
  readonly sendErrors = new Counter({
    name: 'simulator_send_errors_total',
    help: 'Transactions in batches that failed to send',
    labelNames: ['backend', 'retriable'] as const,
    registers: [this.registry],
  });
  /** Time from sending a batch to its acknowledgement. */
  readonly batchLatency = new Histogram({
    name: 'simulator_batch_send_duration_seconds',
    help: 'Time to send one batch and receive its acknowledgement',
    labelNames: ['backend'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  /** Simulations currently running. */
  readonly activeSimulations = new Gauge({
    name: 'simulator_simulations_active',
    help: 'Simulations currently running',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
