/**
 * The aggregator when its own processes, the registry or its input misbehave,
 * on the dedicated fault stack, under both guarantees. Each test sends a
 * seeded workload (5 % re-sent under the same id), injects its fault while
 * records flow, and then requires every stock value and every sales window,
 * on the query API and on the output topics, to equal this test's own
 * expectation:
 *
 * - an instance SIGKILLed mid-transaction while two instances share the work;
 * - a rebalance storm: instances joining and leaving every few seconds;
 * - the registry down when the aggregator starts, and killed again mid-run;
 * - a flood of undecodable records mixed with good ones: every one reaches the
 *   dead-letter topic (exactly once under exactly_once_v2), none blocks a partition.
 *
 * FAULT_EVENTS overrides the number of distinct transactions (30,000).
 */
import { FaultStack, KafkaTestContext, uniqueName, waitFor } from '@eda/testing';
import {
  exited,
  freePort,
  startAggregator,
  type AggregatorInstance,
  waitUntilReady,
} from './testing/aggregator-process.fixture';
import {
  aggregatorEnv,
  buildWorkload,
  committedRecordCount,
  createPipelineTopics,
  metricValue,
  outputTopicsConverged,
  poisonCount,
  queryApiConverged,
  sendWorkload,
  type PipelineTopics,
  type Workload,
} from './testing/fault-pipeline.fixture';

const EVENTS = Number(process.env['FAULT_EVENTS'] || 30_000);
const guarantees = ['exactly_once_v2', 'at_least_once'] as const;

describe.each(guarantees)(
  'inventory-aggregator (%s) under instance, registry and input faults',
  (guarantee) => {
    const stack = new FaultStack();
    const context = new KafkaTestContext('fault-instance');
    const instances: AggregatorInstance[] = [];
    // Exactly-once: every value exact. At-least-once: a crash may count a transaction twice, never lose one.
    const atLeastOnce = guarantee === 'at_least_once';
    let topics: PipelineTopics;
    let env: Record<string, string>;

    beforeEach(async () => {
      topics = await createPipelineTopics(context, 6);
      env = {
        ...aggregatorEnv(uniqueName('fault-aggregator'), topics),
        ...stack.env,
        PROCESSING_GUARANTEE: guarantee,
      };
    });

    afterEach(async () => {
      for (const i of instances.splice(0)) {
        i.process.kill('SIGKILL');
        await exited(i.process);
      }
      await stack.up(); // whatever a failed test left down
    }, 120_000);

    afterAll(() => context.close());

    /** Starts an instance on a fresh port. */
    async function start(): Promise<AggregatorInstance> {
      const instance = startAggregator(await freePort(), env);
      instances.push(instance);
      return instance;
    }

    /** Sends the workload with a producer of its own, resolving with it as sent. */
    async function send(workload: Workload, onAcked: (n: number) => void = () => undefined, poisonEvery = 0) {
      const producer = await context.producer();
      return sendWorkload(producer, topics.items, workload, onAcked, { concurrency: 2, poisonEvery });
    }

    /** The query API of `instance` and the output topics equal the expectation. */
    async function exact(instance: AggregatorInstance, workload: Workload): Promise<void> {
      await queryApiConverged(instance, workload, 300_000, atLeastOnce);
      await outputTopicsConverged(context, topics, workload, 120_000, atLeastOnce);
    }

    it('stays exact when one of two instances is SIGKILLed mid-transaction and restarted', async () => {
      const workload = buildWorkload({ distinct: EVENTS, seed: 11 });
      const [a] = [await start(), await start()] as [AggregatorInstance, AggregatorInstance];
      await Promise.all(instances.map((i) => waitUntilReady(i)));
      let acked = 0;
      const sending = send(workload, (n) => (acked = n));
      await waitFor(
        'a third of the input acknowledged',
        () => (acked >= workload.sends.length / 3 ? true : undefined),
        120_000,
        20,
      );
      const victim = instances[1] as AggregatorInstance;
      victim.process.kill('SIGKILL');
      await exited(victim.process);
      instances.splice(1, 1);
      await start();
      await sending;
      await exact(a, workload);
    }, 600_000);

    it('stays exact through a rebalance storm: instances joining and leaving every few seconds', async () => {
      const workload = buildWorkload({ distinct: EVENTS, seed: 12 });
      const anchor = await start();
      await waitUntilReady(anchor);
      let sent = false;
      const sending = send(workload).then((w) => ((sent = true), w));
      // Until the input is in: add an instance, let it join, then take one away (alternately SIGTERM and
      // SIGKILL), so the group rebalances every few seconds while records and transactions flow.
      for (let round = 0; !sent && round < 12; round++) {
        const joiner = await start();
        await new Promise((r) => setTimeout(r, 3000));
        instances.splice(instances.indexOf(joiner), 1);
        joiner.process.kill(round % 2 === 0 ? 'SIGTERM' : 'SIGKILL');
        await exited(joiner.process);
        await new Promise((r) => setTimeout(r, 1000));
      }
      await exact(anchor, await sending);
    }, 600_000);

    it('waits for the registry at start-up, survives losing it mid-run, and stays exact', async () => {
      const workload = buildWorkload({ distinct: EVENTS, seed: 13 });
      await stack.kill('registry');
      const instance = await start();
      // Not ready, and not dead, while the registry is away: ten start attempts (START_RETRY_MS=500).
      await new Promise((r) => setTimeout(r, 5000));
      expect(instance.process.exitCode).toBeNull();
      expect((await fetch(`${instance.url}/health/ready`).catch(() => undefined))?.status ?? 503).not.toBe(
        200,
      );
      await stack.start('registry');
      await waitUntilReady(instance);
      let acked = 0;
      const sending = send(workload, (n) => (acked = n));
      await waitFor(
        'half the input acknowledged',
        () => (acked >= workload.sends.length / 2 ? true : undefined),
        120_000,
        20,
      );
      await stack.kill('registry'); // the writer's schema is cached by id: processing goes on
      await sending;
      // Converged with the registry still down; the output topics are read back through it afterwards.
      await queryApiConverged(instance, workload, 300_000, atLeastOnce);
      await stack.start('registry');
      await outputTopicsConverged(context, topics, workload, 120_000, atLeastOnce);
    }, 600_000);

    it('dead-letters a flood of undecodable records without blocking a partition, and stays exact', async () => {
      const poisonEvery = 10;
      const workload = buildWorkload({ distinct: EVENTS, seed: 14 });
      const instance = await start();
      await waitUntilReady(instance);
      const sent = await send(workload, undefined, poisonEvery);
      await exact(instance, sent);
      const poison = poisonCount(sent.sends.length, poisonEvery);
      const deadLettered = await committedRecordCount(context, topics.deadLetter);
      if (guarantee === 'exactly_once_v2') expect(deadLettered).toBe(poison);
      else expect(deadLettered).toBeGreaterThanOrEqual(poison);
      const counted = await metricValue(instance, 'aggregator_streams_records_dead_lettered_total');
      if (guarantee === 'exactly_once_v2') expect(counted).toBe(poison);
      else expect(counted).toBeGreaterThanOrEqual(poison);
    }, 600_000);
  },
);
