/**
 * The bridge's Prometheus metrics, in a registry of its own (not
 * prom-client's global one), so two app instances in one process, as in the
 * tests, do not collide.
 */
import { Injectable } from '@nestjs/common';
import type { MqBatchReport, MqSinkState } from '@eda/mq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Counters per batch outcome, and Node's default process metrics. */
@Injectable()
export class BridgeMetrics {
  /** The registry `/metrics` renders. */
  readonly registry = new Registry();
  /** Messages produced to Kafka and committed on MQ. */
  readonly bridged = new Counter({
    name: 'mq_bridge_messages_bridged_total',
    help: 'MQ messages produced to Kafka and committed on MQ',
    registers: [this.registry],
  });
  /** Messages backed out to MQ for redelivery (Kafka did not acknowledge in time, or the connection broke). */
  readonly backedOut = new Counter({
    name: 'mq_bridge_messages_backed_out_total',
    help: 'MQ messages backed out for redelivery',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });
  /** Messages moved to the backout queue, by reason. */
  readonly poison = new Counter({
    name: 'mq_bridge_messages_poison_total',
    help: 'MQ messages moved to the backout queue',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  /** Time from the first get of a batch to its commit or backout. */
  readonly batchLatency = new Histogram({
    name: 'mq_bridge_batch_duration_seconds',
    help: 'Time from the first get of a batch to its commit or backout',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  /** 0 while Kafka (or the registry) does not take the batch the bridge holds. */
  readonly kafkaAvailable = new Gauge({
    name: 'mq_bridge_kafka_available',
    help: '0 while Kafka or the schema registry does not take the batch the bridge holds on MQ',
    registers: [this.registry],
  });

  /** Messages held under syncpoint (locked on MQ, BackoutCount unchanged) until Kafka takes them. */
  readonly held = new Gauge({
    name: 'mq_bridge_messages_held',
    help: 'MQ messages held under syncpoint until Kafka takes them',
    registers: [this.registry],
  });

  /** 1 while connected to the queue manager. */
  readonly mqConnected = new Gauge({
    name: 'mq_bridge_mq_connected',
    help: '1 while connected to the queue manager',
    registers: [this.registry],
  });

  private queueDepthSource: (() => Promise<Record<'input' | 'backout', number>>) | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.kafkaAvailable.set(1);
    const depths = () => this.queueDepthSource?.();
    new Gauge({
      name: 'mq_bridge_queue_depth',
      help: 'Messages on the MQ input queue (queue="input") and the backout queue (queue="backout"): MQINQ CURRENT_Q_DEPTH at scrape time',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        // MQ unreachable or not inquirable: no sample rather than a failed scrape (mq_bridge_mq_connected says why).
        const read = await depths()?.catch(() => undefined);
        if (read) for (const [queue, depth] of Object.entries(read)) this.set({ queue }, depth);
      },
    });
  }

  /** Where `mq_bridge_queue_depth` reads the depths from (the transport's inquiry connection). */
  setQueueDepthSource(source: () => Promise<Record<'input' | 'backout', number>>): void {
    this.queueDepthSource = source;
  }

  /** Records a change of the sink's availability (`ServerMQ`'s `sink` event). */
  recordSink(state: MqSinkState): void {
    this.kafkaAvailable.set(state.available ? 1 : 0);
    this.held.set(state.held);
  }

  /** Records one `ServerMQ` batch report. */
  recordBatch(report: MqBatchReport): void {
    this.batchLatency.labels(report.outcome).observe(report.durationMs / 1000);
    if (report.outcome === 'committed') {
      this.bridged.inc(report.handled);
      for (const [reason, count] of Object.entries(report.movedToBackout))
        this.poison.labels(reason).inc(count);
    } else {
      this.backedOut.labels(report.outcome).inc(report.received);
    }
  }
}
