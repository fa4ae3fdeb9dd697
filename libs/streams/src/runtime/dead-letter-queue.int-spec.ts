/**
 * Dead-letter routing (KIP-1034) on the real broker.
 *
 * exactly_once_v2: poison records interleaved with good ones, an instance in a
 * child process killed with SIGKILL mid-stream and restarted. A read_committed
 * reader of the DLQ must see every poison record exactly once (the DLQ write
 * is part of the task's transaction, committed with the input offset, so an
 * aborted transaction's dead letters vanish with it and are written again by
 * the next owner), with its original key and value and the error headers; the
 * sums of the good records must be exact.
 *
 * Also: at_least_once routes too (each poison record at least once, here
 * exactly once as nothing crashes), and start-up fails with a typed error
 * naming a missing DLQ topic, whether internal topics are created or not.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import {
  Consumed,
  DeadLetterHeaders,
  DeadLetterTopicError,
  KafkaStreams,
  Produced,
  Serdes,
  StreamsBuilder,
  StreamsState,
  type Serde,
} from '../index';

const KEYS = 6;
const TOTAL = 2400;
/** Every POISON_EVERY-th record is poison. */
const POISON_EVERY = 8;

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'dlq-worker.fixture.ts')], {
    env: { ...process.env, ...env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Resolves once the worker reports RUNNING (its state changes go to stdout). */
function running(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not RUNNING after ${timeoutMs} ms`)), timeoutMs);
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('STATE RUNNING')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Record i: key `k<i % KEYS>`; poison `poison-<i>` every POISON_EVERY-th, else `1`. */
const record = (i: number) => ({
  key: `k${i % KEYS}`,
  value: i % POISON_EVERY === POISON_EVERY - 1 ? `poison-${i}` : '1',
});

function expectedSums(total: number): Map<string, number> {
  const sums = new Map<string, number>();
  for (let i = 0; i < total; i++) {
    const { key, value } = record(i);
    if (value === '1') sums.set(key, (sums.get(key) ?? 0) + 1);
  }
  return sums;
}

const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();

describe('dead-letter queue on the real broker', () => {
  const ctx = new KafkaTestContext('streams-dlq');
  const appIds: string[] = [];
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    const admin = await ctx.connectedAdmin();
    const topics = (await admin.listTopics()).filter((t) => appIds.some((id) => t.startsWith(`${id}-`)));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await ctx.close();
  });

  /** Reads `topic` read_committed from the start into `into`, in the background. */
  async function collect(topic: string, into: KafkaMessage[]): Promise<void> {
    const reader = await ctx.consumer({ readUncommitted: false });
    await reader.subscribe({ topic, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void into.push(message) });
  }

  it('exactly_once_v2: each poison record is dead-lettered exactly once across a SIGKILL, sums exact', async () => {
    const appId = uniqueName('dlq-eos');
    appIds.push(appId);
    const input = await ctx.createTopic('dlq-in', { partitions: 2 });
    const output = await ctx.createTopic('dlq-out', { partitions: 2 });
    const dlq = await ctx.createTopic('dlq-dead', { partitions: 2 });
    const env = {
      DLQ_APP_ID: appId,
      DLQ_INPUT: input,
      DLQ_OUTPUT: output,
      DLQ_TOPIC: dlq,
      DLQ_BROKERS: stackEndpoints().brokers.join(','),
      // Long enough that a kill 150-250 ms after a commit always finds an open transaction.
      DLQ_COMMIT_INTERVAL_MS: '500',
    };

    const outputs: KafkaMessage[] = [];
    const deadLetters: KafkaMessage[] = [];
    await collect(output, outputs);
    await collect(dlq, deadLetters);
    const latest = () => {
      const sums = new Map<string, number>();
      for (const m of outputs) sums.set(m.key!.toString(), Serdes.Long().deserialize(m.value!, output));
      return sums;
    };

    const producer = await ctx.producer({ idempotent: true });
    const produce = async (from: number, to: number) => {
      for (let i = from; i < to; i += 80) {
        const messages = Array.from({ length: Math.min(80, to - i) }, (_, j) => record(i + j));
        await producer.send({ topic: input, acks: -1, messages });
        await new Promise((r) => setTimeout(r, 25)); // keep records flowing while the worker dies
      }
    };

    child = startWorker(env);
    await running(child, 45_000);
    const producing = produce(0, TOTAL);
    await waitFor(
      'first committed dead letter',
      () => (deadLetters.length > 0 ? true : undefined),
      45_000,
      20,
    );
    // Not right after a commit was observed (nothing would be open then), but within the next commit
    // interval, while records keep arriving: the open transaction holds dead letters.
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 100));
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const poisonTotal = Math.floor(TOTAL / POISON_EVERY);
    expect(deadLetters.length).toBeLessThan(poisonTotal); // killed mid-stream, not after the fact
    await producing;

    child = startWorker(env);
    await waitFor(
      `${poisonTotal} dead letters`,
      () => (deadLetters.length >= poisonTotal ? true : undefined),
      90_000,
      100,
    );
    // Several more commit intervals: a duplicate written late would show up now.
    await new Promise((r) => setTimeout(r, 1500));

    const values = deadLetters.map((m) => m.value!.toString());
    const poison = Array.from({ length: TOTAL }, (_, i) => record(i)).filter((r) => r.value !== '1');
    expect(values.sort()).toEqual(poison.map((r) => r.value).sort());
    for (const m of deadLetters) {
      const i = Number(m.value!.toString().slice('poison-'.length));
      expect(m.key!.toString()).toBe(record(i).key);
      expect(header(m, DeadLetterHeaders.TOPIC)).toBe(input);
      expect(header(m, DeadLetterHeaders.EXCEPTION)).toMatch(
        /^TypeError: not a decimal integer: "poison-\d+"$/,
      );
      expect(header(m, DeadLetterHeaders.STACKTRACE)).toContain('TypeError');
    }
    // Each dead letter names a distinct input position.
    const positions = deadLetters.map(
      (m) => `${header(m, DeadLetterHeaders.PARTITION)}@${header(m, DeadLetterHeaders.OFFSET)}`,
    );
    expect(new Set(positions).size).toBe(poisonTotal);
    expect(positions.every((p) => /^[01]@\d+$/.test(p))).toBe(true);

    const want = expectedSums(TOTAL);
    const exact = () => [...want].every(([k, sum]) => latest().get(k) === sum);
    await waitFor('exact sums', () => (exact() ? true : undefined), 90_000, 200);
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    child = undefined;
    expect(latest()).toEqual(want);
  }, 240_000);

  it('at_least_once: poison records reach the DLQ and the good ones are processed', async () => {
    const appId = uniqueName('dlq-alos');
    appIds.push(appId);
    const input = await ctx.createTopic('dlq-alos-in', { partitions: 1 });
    const output = await ctx.createTopic('dlq-alos-out', { partitions: 1 });
    const dlq = await ctx.createTopic('dlq-alos-dead', { partitions: 1 });
    const outputs: KafkaMessage[] = [];
    const deadLetters: KafkaMessage[] = [];
    await collect(output, outputs);
    await collect(dlq, deadLetters);
    const builder = new StreamsBuilder();
    const strict: Serde<{ n: number }> = {
      serialize: (v) => Buffer.from(JSON.stringify(v)),
      deserialize: (b) => JSON.parse(b.toString()) as { n: number },
    };
    builder
      .stream(input, Consumed.with(Serdes.String(), strict))
      .mapValues((v) => String(v.n))
      .to(output, Produced.with(Serdes.String(), Serdes.String()));
    const streams = new KafkaStreams(builder.build(), {
      'application.id': appId,
      'bootstrap.servers': stackEndpoints().brokers,
      'processing.guarantee': 'at_least_once',
      'commit.interval.ms': 100,
      'session.timeout.ms': 6000,
      'deserialization.exception.handler': 'dead-letter',
      'errors.dead.letter.queue.topic.name': dlq,
    });
    try {
      await streams.start();
      const producer = await ctx.producer();
      await producer.send({
        topic: input,
        messages: [
          { key: 'a', value: '{"n":1}' },
          { key: 'b', value: 'not json', headers: { origin: 'test' } },
          { key: 'c', value: '{"n":3}' },
        ],
      });
      await waitFor('2 outputs and 1 dead letter', () =>
        outputs.length >= 2 && deadLetters.length >= 1 ? true : undefined,
      );
      expect(outputs.map((m) => m.value!.toString())).toEqual(['1', '3']);
      const [dead] = deadLetters as [KafkaMessage];
      expect([dead.key!.toString(), dead.value!.toString(), header(dead, 'origin')]).toEqual([
        'b',
        'not json',
        'test',
      ]);
      expect(header(dead, DeadLetterHeaders.OFFSET)).toBe('1');
      expect(header(dead, DeadLetterHeaders.EXCEPTION)).toMatch(/^SyntaxError: /);
      expect(streams.metrics()['streams.records.dead_lettered']).toBe(1);
      expect(streams.state).toBe(StreamsState.RUNNING);
    } finally {
      await streams.close();
    }
  }, 60_000);

  it.each([true, false])(
    'fails start-up naming a missing DLQ topic (internal.topics.create=%s)',
    async (create) => {
      const input = await ctx.createTopic('dlq-missing-in');
      const missing = uniqueName('no-such-dlq');
      const builder = new StreamsBuilder();
      builder.stream(input, Consumed.with(Serdes.String(), Serdes.String())).to(`${input}-never`);
      const streams = new KafkaStreams(builder.build(), {
        'application.id': uniqueName('dlq-missing'),
        'bootstrap.servers': stackEndpoints().brokers,
        'internal.topics.create': create,
        'deserialization.exception.handler': 'dead-letter',
        'errors.dead.letter.queue.topic.name': missing,
      });
      const started = streams.start();
      await expect(started).rejects.toThrow(DeadLetterTopicError);
      await expect(started).rejects.toThrow(`Dead-letter topic '${missing}'`);
      expect(streams.state).toBe(StreamsState.ERROR);
      const admin = await ctx.connectedAdmin();
      expect(await admin.listTopics()).not.toContain(missing); // never created
    },
    30_000,
  );
});
