/**
 * One simulation: a deterministic scenario pumped into a publisher in
 * batches, paced to a rate, until its count is sent, it is stopped, or the
 * backend fails for good. Owns its state machine:
 *
 *   running ──► completed   (count reached)
 *           ──► stopped     (stop() or shutdown)
 *           ──► failed      (non-retriable error, or a batch still failing after the retry budget)
 */
import { isRetriable } from '@eda/base';
import { context, ROOT_CONTEXT, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import { TransactionType, type ItemTransaction } from '@eda/events';
import type { SimulatorMetrics } from '../metrics/simulator-metrics';
import { scenarioSpanMs, StoreScenario } from '../scenario/store-scenario';
import type { Backend, TransactionPublisher } from '../publishing/transaction-publisher';

/** The lifecycle states a client sees. */
export type SimulationState = 'running' | 'completed' | 'stopped' | 'failed';

/** What one simulation does, with every default resolved. */
export interface SimulationSpec {
  readonly backend: Backend;
  readonly seed: number;
  /** Undefined: until stopped. */
  readonly count?: number;
  /** Undefined: as fast as acknowledged. */
  readonly ratePerSec?: number;
  readonly stores: number;
  readonly skus: number;
  /**
   * Event time the scenario starts from (epoch ms). Undefined: now-based. A
   * counted run starts so that its last event is stamped when the run starts;
   * an endless one starts now, and an event the scenario's clock would put in
   * the future is stamped now instead.
   */
  readonly startTime?: number;
  /** Records per publish call at most. */
  readonly batchSize: number;
  /** How long one batch is resent through retriable errors before the run fails. */
  readonly retryBudgetMs: number;
}

/** `GET /api/simulations/:id` body. Times are ISO-8601 strings. */
export interface SimulationStatus {
  id: string;
  state: SimulationState;
  backend: Backend;
  destination: string;
  seed: number;
  count: number | null;
  ratePerSec: number | null;
  stores: number;
  skus: number;
  sent: number;
  failed: number;
  startedAt: string;
  /** Event time the scenario started from: with the seed, replays the same records (null while resolving). */
  startTime: string | null;
  finishedAt: string | null;
  error?: string;
}

/** Backoff between resends of a batch: doubling from the first to the last, plus jitter. */
const RESEND_BACKOFF_MS = { first: 200, max: 5_000 };
const tracer = trace.getTracer('store-simulator');

/** A running or finished simulation. */
export class SimulationRun {
  private state: SimulationState = 'running';
  private sent = 0;
  private failed = 0;
  private readonly startedAt = new Date();
  private finishedAt: Date | undefined;
  private error: string | undefined;
  /** The scenario's resolved start (epoch ms): the spec's, or now-based (see {@link SimulationSpec.startTime}). */
  private startTime: number | undefined;
  private readonly stopSignal = new AbortController();
  /** The request that started the run, linked from every batch span. */
  private readonly links: Link[];
  /** Settles when the run has left `running`; never rejects. */
  readonly done: Promise<void>;

  constructor(
    readonly id: string,
    readonly spec: SimulationSpec,
    private readonly publisher: TransactionPublisher,
    private readonly metrics: SimulatorMetrics,
  ) {
    this.metrics.activeSimulations.inc();
    const origin = trace.getSpanContext(context.active());
    this.links = origin ? [{ context: origin }] : [];
    // Each batch starts its own trace, linked to the starting request, rather than
    // hanging a run of any length under one request span (OTel messaging conventions).
    this.done = context
      .with(ROOT_CONTEXT, () => this.pump())
      .catch((err: unknown) => this.finish('failed', err))
      .finally(() => this.metrics.activeSimulations.dec());
  }

  /** Asks the run to stop after its in-flight batch; resolves when it has. */
  stop(): Promise<void> {
    this.stopSignal.abort();
    return this.done;
  }

  /** True while the run sends. */
  get running(): boolean {
    return this.state === 'running';
  }

  /** A snapshot for the API. */
  status(): SimulationStatus {
    const { backend, seed, count, ratePerSec, stores, skus } = this.spec;
    return {
      id: this.id,
      state: this.state,
      backend,
      destination: this.publisher.destination,
      seed,
      count: count ?? null,
      ratePerSec: ratePerSec ?? null,
      stores,
      skus,
      sent: this.sent,
      failed: this.failed,
      startedAt: this.startedAt.toISOString(),
      startTime: this.startTime === undefined ? null : new Date(this.startTime).toISOString(),
      finishedAt: this.finishedAt?.toISOString() ?? null,
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }

  private async pump(): Promise<void> {
    const { count, ratePerSec, stores, skus, seed } = this.spec;
    const startedAt = this.startedAt.getTime();
    // Now-based by default: Kafka deletes records whose timestamps are older than a topic's retention,
    // so a scenario stamped long ago would vanish from its topics within minutes of a retention check.
    const live = this.spec.startTime === undefined && count === undefined;
    this.startTime =
      this.spec.startTime ??
      (count === undefined ? startedAt : startedAt - (await scenarioSpanMs({ seed, stores, skus }, count)));
    const scenario = new StoreScenario({ seed, stores, skus, startTime: this.startTime });
    // About ten publish calls per second when paced, so the rate stays smooth.
    const batchSize = ratePerSec
      ? Math.max(1, Math.min(this.spec.batchSize, Math.ceil(ratePerSec / 10)))
      : this.spec.batchSize;
    const start = performance.now();
    let generated = 0;
    while (!this.stopSignal.signal.aborted) {
      const size = count === undefined ? batchSize : Math.min(batchSize, count - generated);
      if (size <= 0) break;
      const batch = scenario.take(size);
      if (live) stampNoLaterThan(batch, Date.now());
      generated += size;
      const error = await this.publishWithResend(batch);
      if (error !== undefined) {
        this.failed += size;
        this.finish(this.stopSignal.signal.aborted ? 'stopped' : 'failed', error);
        return;
      }
      if (ratePerSec) await this.pause(start + (generated / ratePerSec) * 1000 - performance.now());
    }
    this.finish(this.stopSignal.signal.aborted ? 'stopped' : 'completed');
  }

  /**
   * Publishes a batch, resending the same records (same ids, so the
   * aggregator's deduplication makes a resend harmless) through retriable
   * errors until `retryBudgetMs` has passed. Resolves with the error that
   * ended the attempts, or undefined once the batch is acknowledged. Nothing
   * is skipped: a run either delivers every record it generated or fails.
   */
  private async publishWithResend(batch: ItemTransaction[]): Promise<unknown> {
    const deadline = performance.now() + this.spec.retryBudgetMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.publishTraced(batch);
        return undefined;
      } catch (err) {
        // Kafka and MQ errors both carry `retriable`; an unflagged one (a bug) fails the run at once.
        const retriable = isRetriable(err, false);
        this.metrics.sendErrors.inc(
          { backend: this.spec.backend, retriable: String(retriable) },
          batch.length,
        );
        if (!retriable || performance.now() >= deadline || this.stopSignal.signal.aborted) return err;
        const backoff = Math.min(RESEND_BACKOFF_MS.max, RESEND_BACKOFF_MS.first * 2 ** attempt);
        await this.pause(Math.min(backoff * (0.8 + Math.random() * 0.4), deadline - performance.now()));
      }
    }
  }

  /** Publishes inside a span, so the records' trace context points at this batch. */
  private publishTraced(batch: ItemTransaction[]): Promise<void> {
    const attributes = { 'simulation.id': this.id, 'messaging.batch.message_count': batch.length };
    return tracer.startActiveSpan('simulation.batch', { attributes, links: this.links }, async (span) => {
      const timer = this.metrics.batchLatency.startTimer({ backend: this.spec.backend });
      try {
        await this.publisher.publish(batch);
        this.sent += batch.length;
        const restocks = batch.reduce((n, tx) => (tx.type === TransactionType.RESTOCK ? n + 1 : n), 0);
        this.metrics.eventsSent.inc({ backend: this.spec.backend, type: TransactionType.RESTOCK }, restocks);
        this.metrics.eventsSent.inc(
          { backend: this.spec.backend, type: TransactionType.SALE },
          batch.length - restocks,
        );
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        timer();
        span.end();
      }
    });
  }

  /** Waits `ms` (if positive), cut short by stop(). */
  private pause(ms: number): Promise<void> {
    if (ms <= 0 || this.stopSignal.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.stopSignal.signal.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private finish(state: Exclude<SimulationState, 'running'>, err?: unknown): void {
    if (this.state !== 'running') return;
    this.state = state;
    this.finishedAt = new Date();
    if (err !== undefined) this.error = err instanceof Error ? err.message : String(err);
  }
}

/**
 * An endless run's scenario clock advances about a second per transaction, so
 * at more than one a second it runs ahead of the wall clock: such events are
 * stamped `now` instead (order kept), never in the future.
 */
function stampNoLaterThan(batch: ItemTransaction[], now: number): void {
  for (let i = 0; i < batch.length; i++) {
    const tx = batch[i] as ItemTransaction;
    if (tx.timestamp > now) batch[i] = { ...tx, timestamp: now };
  }
}
