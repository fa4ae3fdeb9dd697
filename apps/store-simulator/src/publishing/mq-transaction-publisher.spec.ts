import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { MqDriverUnavailableError } from '@eda/mq';
import { createFakeIbmMq, FakeQueueManager } from '@eda/mq/testing';
import { mqSettingsFromEnv } from '../config/mq.config';
import { SimulatorMetrics } from '../metrics/simulator-metrics';
import { SCENARIO_EPOCH_MS, scenarioTransactions } from '../scenario/store-scenario';
import { SimulationRun } from '../simulations/simulation-run';
import { MqTransactionPublisher } from './mq-transaction-publisher';

const QUEUE = 'DEV.ITEMS';
const ENV = {
  MQ_QMGR: 'QM1',
  MQ_CONN_NAME: 'mq(1414)',
  MQ_CHANNEL: 'DEV.APP.SVRCONN',
  MQ_USER: 'app',
  MQ_PASSWORD: 'passw0rd',
};

describe('MqTransactionPublisher (against the ibmmq test double)', () => {
  let qmgr: FakeQueueManager;
  let publisher: MqTransactionPublisher;
  const txs = scenarioTransactions({ seed: 11, stores: 3, skus: 5 }, 40);
  const texts = () => qmgr.browse(QUEUE).map((m) => m.text);

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    qmgr = new FakeQueueManager('QM1', {
      channels: ['DEV.APP.SVRCONN'],
      users: { app: 'passw0rd' },
    }).defineQueue(QUEUE);
    publisher = new MqTransactionPublisher(mqSettingsFromEnv(ENV), createFakeIbmMq(qmgr));
  });
  afterEach(() => publisher.onApplicationShutdown());

  it('connects on the first batch only, then puts each transaction as the JSON the bridge parses, committed as MQSTR', async () => {
    expect(publisher.health()).toMatchObject({ state: 'idle', queue: QUEUE });
    expect(qmgr.connectionCount).toBe(0);
    expect(publisher.destination).toBe(QUEUE);
    await publisher.publish(txs.slice(0, 10));
    const queued = qmgr.browse(QUEUE);
    expect(queued.map((m) => JSON.parse(m.text))).toEqual(txs.slice(0, 10));
    expect(queued.every((m) => m.format === 'MQSTR')).toBe(true);
    expect(publisher.health()).toMatchObject({ state: 'connected' });
    expect(JSON.stringify(publisher.health())).not.toContain('passw0rd');
  });

  it('puts a batch in one unit of work: a failure mid-batch leaves nothing visible, and the resend puts it once', async () => {
    qmgr.failNext({ verb: 'PUT', mqrc: 2053, after: 5 }); // MQRC_Q_FULL on the 6th put
    await expect(publisher.publish(txs)).rejects.toMatchObject({ mqrc: 2053, retriable: true });
    expect(qmgr.depth(QUEUE)).toBe(0);
    expect(publisher.health().lastError).toContain('2053');
    await publisher.publish(txs);
    expect(texts()).toEqual(txs.map((tx) => JSON.stringify(tx)));
    expect(publisher.health().lastError).toBeUndefined();
  });

  it('reconnects after a broken connection (2009): the broken batch is backed out, the next one goes through', async () => {
    await publisher.publish(txs.slice(0, 2));
    qmgr.failNext({ verb: 'PUT', mqrc: 2009, after: 3 });
    await expect(publisher.publish(txs.slice(2, 10))).rejects.toMatchObject({
      mqrc: 2009,
      retriable: true,
      connectionLost: true,
    });
    expect(texts()).toHaveLength(2);
    expect(publisher.health()).toMatchObject({
      state: 'disconnected',
      lastError: expect.stringContaining('2009'),
    });
    await publisher.publish(txs.slice(2, 10));
    expect(texts()).toEqual(txs.slice(0, 10).map((tx) => JSON.stringify(tx)));
    expect(publisher.health().state).toBe('connected');
  });

  it("carries the batch span's W3C trace context in the traceparent property of every message", async () => {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const span = trace.wrapSpanContext({
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.SAMPLED,
      });
      await context.with(trace.setSpan(context.active(), span), () => publisher.publish(txs.slice(0, 3)));
    } finally {
      propagation.disable();
      context.disable();
    }
    expect(qmgr.browse(QUEUE).map((m) => m.properties['traceparent'])).toEqual(
      Array(3).fill('00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01'),
    );
  });

  it('fails a batch, not retriable, with what to install when the MQ C client is missing, loading it once', async () => {
    let loads = 0;
    const missing = new MqTransactionPublisher(mqSettingsFromEnv(ENV), () => {
      loads++;
      throw new MqDriverUnavailableError(new Error('Cannot find MQ C library'));
    });
    await expect(missing.publish(txs.slice(0, 1))).rejects.toMatchObject({
      retriable: false,
      code: 'EDA_SIMULATOR_MQ_CLIENT_MISSING',
      message: expect.stringMatching(/IBM MQ C client \(libmqm_r\) is not installed.*backend "kafka"/),
    });
    await expect(missing.publish(txs.slice(0, 1))).rejects.toThrow(/IBM MQ C client/);
    expect(loads).toBe(1);
    expect(missing.health()).toMatchObject({
      state: 'disconnected',
      lastError: expect.stringContaining('C client'),
    });
  });

  it('holds one connection for all batches, and closes it on shutdown', async () => {
    await publisher.publish(txs.slice(0, 5));
    await publisher.publish(txs.slice(5, 10));
    expect(qmgr.connectionCount).toBe(1);
    await publisher.onApplicationShutdown();
    expect(qmgr.connectionCount).toBe(0);
    expect(texts()).toHaveLength(10);
    await expect(publisher.publish(txs.slice(10, 11))).rejects.toThrow(/shutting down/);
  });

  it('is disabled without MQ variables, and says which to set', async () => {
    const off = new MqTransactionPublisher(mqSettingsFromEnv({}));
    expect(off.enabled).toBe(false);
    expect(off.health()).toEqual({ state: 'disabled' });
    await expect(off.publish(txs)).rejects.toThrow(/set MQ_QMGR or MQ_CONN_NAME/);
  });

  describe('inside a simulation run (SIMULATOR_RETRY_BUDGET_MS)', () => {
    // On the scenario's epoch, as `txs` is (a run without startTime is now-based).
    const spec = {
      backend: 'mq' as const,
      seed: 11,
      stores: 3,
      skus: 5,
      batchSize: 8,
      startTime: SCENARIO_EPOCH_MS,
    };

    it('resends a batch the queue manager backed out after a broken connection, delivering every transaction once', async () => {
      qmgr.failNext({ verb: 'PUT', mqrc: 2009, after: 20 }); // in the third batch
      const run = new SimulationRun(
        'r1',
        { ...spec, count: 40, retryBudgetMs: 10_000 },
        publisher,
        new SimulatorMetrics(),
      );
      await run.done;
      expect(run.status()).toMatchObject({ state: 'completed', sent: 40, failed: 0, destination: QUEUE });
      expect(texts()).toEqual(txs.map((tx) => JSON.stringify(tx)));
    });

    it('fails the run once the budget is spent while the queue manager stays down, having sent the batches before', async () => {
      await publisher.publish([]); // connected, so the outage is a broken connection mid-run
      qmgr.failNext({ verb: 'PUT', mqrc: 2009, after: 16 }); // the third batch breaks the connection
      qmgr.failNext({ verb: 'CONNX', mqrc: 2059, times: 1_000 }); // and the queue manager stays unavailable
      const started = performance.now();
      const run = new SimulationRun(
        'r2',
        { ...spec, count: 40, retryBudgetMs: 600 },
        publisher,
        new SimulatorMetrics(),
      );
      await run.done;
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(run.status()).toMatchObject({ state: 'failed', error: expect.stringContaining('2059') });
      expect(run.status().sent).toBe(16);
      expect(texts()).toEqual(txs.slice(0, 16).map((tx) => JSON.stringify(tx)));
    });

    it('fails the run at once, not after the budget, when the MQ C client is missing', async () => {
      const missing = new MqTransactionPublisher(mqSettingsFromEnv(ENV), () => {
        throw new MqDriverUnavailableError(new Error('Cannot find MQ C library'));
      });
      const started = performance.now();
      const run = new SimulationRun(
        'r3',
        { ...spec, count: 40, retryBudgetMs: 60_000 },
        missing,
        new SimulatorMetrics(),
      );
      await run.done;
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(run.status()).toMatchObject({
        state: 'failed',
        sent: 0,
        error: expect.stringContaining('IBM MQ C client'),
      });
    });
  });
});
