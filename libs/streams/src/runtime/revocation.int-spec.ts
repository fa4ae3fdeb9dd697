/**
 * Revocation on the real broker. kafkajs has no onPartitionsRevoked, so the
 * runtime commits processed work before it rejoins (see README, "Rebalances
 * and revocation"). With `commit.interval.ms` far longer than the test, every
 * offset the first instance commits before the second one joins is committed
 * by that hook: without it, the tasks that move would be reprocessed from
 * offset 0 and the at_least_once output would hold hundreds of duplicates
 * (the test would already fail at "output flushed by the hook"). Under
 * exactly_once_v2 the same hook commits each task's transaction; the
 * read_committed output must hold every id exactly once too.
 */
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import {
  Consumed,
  KafkaStreams,
  ProcessingGuarantee,
  Produced,
  Serdes,
  StreamsBuilder,
  StreamsState,
} from '../index';

const S = Serdes.String();

describe.each<ProcessingGuarantee>(['at_least_once', 'exactly_once_v2'])('revocation (%s)', (guarantee) => {
  const ctx = new KafkaTestContext('streams-revoke');
  const appId = uniqueName('revoke-app');
  const instances: KafkaStreams[] = [];

  afterAll(async () => {
    for (const streams of instances) await streams.close().catch(() => undefined);
    const topics = (await ctx.admin.listTopics()).filter((t) => t.startsWith(appId));
    await ctx.admin.deleteTopics({ topics }).catch(() => undefined);
    await ctx.close();
  });

  it('commits before the rejoin: a second instance takes over half the tasks with no duplicate output', async () => {
    const input = await ctx.createTopic('revoke-in', { partitions: 4 });
    const output = await ctx.createTopic('revoke-out', { partitions: 1 });
    const start = async () => {
      const builder = new StreamsBuilder();
      builder
        .stream(input, Consumed.with(S, S))
        .mapValues((v) => `seen:${v}`)
        .to(output, Produced.with(S, S));
      const streams = new KafkaStreams(builder.build(), {
        'application.id': appId,
        'bootstrap.servers': stackEndpoints().brokers,
        'processing.guarantee': guarantee,
        'commit.interval.ms': 600_000, // only the rebalance hook (and close) commit during the test
        'session.timeout.ms': 10_000,
      });
      instances.push(streams);
      await streams.start();
      return streams;
    };

    const received: string[] = [];
    const reader = await ctx.consumer({ readUncommitted: false });
    await reader.subscribe({ topic: output, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });

    const producer = await ctx.producer({ idempotent: true });
    let produced = 0;
    let producing = true;
    const produceLoop = (async () => {
      while (producing) {
        const messages = Array.from({ length: 10 }, () => ({
          key: `k${produced}`,
          value: String(produced++),
        }));
        await producer.send({ topic: input, acks: -1, messages });
        await new Promise((r) => setTimeout(r, 30));
      }
    })();

    const first = await start();
    await waitFor('first RUNNING', () => (first.state === StreamsState.RUNNING ? true : undefined), 30_000);
    const processed = () => first.metrics()['streams.records.processed'] ?? 0;
    await waitFor('300 records processed', () => (processed() >= 300 ? true : undefined), 30_000);
    expect(received).toEqual([]); // output leaves (or becomes visible) at commit, and none has run yet

    const second = await start();
    await waitFor(
      'tasks split 2/2, both RUNNING',
      () =>
        first.state === StreamsState.RUNNING &&
        second.state === StreamsState.RUNNING &&
        first.localTaskIds().length === 2 &&
        second.localTaskIds().length === 2
          ? true
          : undefined,
      60_000,
    );
    // The hook's commit flushed the first instance's output: the revoked work is not redone.
    expect(received.length).toBeGreaterThanOrEqual(300);
    await new Promise((r) => setTimeout(r, 1_500));
    producing = false;
    await produceLoop;
    // A clean close commits too (the second instance leaves first: its tasks move back, once more).
    await second.close();
    await first.close();

    await waitFor(
      `all ${produced} ids in the output`,
      () => (new Set(received).size === produced ? true : undefined),
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1_000)); // late duplicates, if any, would arrive now
    const duplicates = received.length - new Set(received).size;
    expect({ produced, duplicates }).toEqual({ produced, duplicates: 0 });
    expect(first.fatalError).toBeUndefined();
    expect(first.metrics()['streams.commits']).toBeGreaterThan(0);
    expect(second.fatalError).toBeUndefined();
  }, 180_000);
});
