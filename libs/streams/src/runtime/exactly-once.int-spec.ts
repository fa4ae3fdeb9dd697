/**
 * exactly_once_v2 on the real broker: an instance in a child process is
 * killed with SIGKILL mid-stream and restarted; read_committed output must
 * hold the exact sums, and no update may be counted twice (per key, the
 * committed updates strictly increase and end at the exact total).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import { Serdes } from '../index';

const KEYS = 6;
const PER_KEY = 400;

function startWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'eos-worker.fixture.ts')], {
    env: { ...process.env, ...env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return child;
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

describe('exactly_once_v2 survives kill -9', () => {
  const ctx = new KafkaTestContext('streams-eos');
  const appId = uniqueName('eos-app');
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    const topics = (await ctx.admin.listTopics()).filter((t) => t.startsWith(appId));
    await ctx.admin.deleteTopics({ topics }).catch(() => undefined);
    await ctx.close();
  });

  it('keeps exact sums with no duplicate updates across a crash', async () => {
    const input = await ctx.createTopic('eos-in', { partitions: 2 });
    const output = await ctx.createTopic('eos-out', { partitions: 2 });
    const env = {
      EOS_APP_ID: appId,
      EOS_INPUT: input,
      EOS_OUTPUT: output,
      EOS_BROKERS: stackEndpoints().brokers.join(','),
    };

    const updates = new Map<string, number[]>();
    const reader = await ctx.consumer({ readUncommitted: false });
    await reader.subscribe({ topic: output, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        updates.set(key, [...(updates.get(key) ?? []), Serdes.Long().deserialize(message.value!, output)]);
      },
    });

    const producer = await ctx.producer({ idempotent: true });
    const produce = async (from: number, to: number) => {
      for (let i = from; i < to; i += 100) {
        const messages = Array.from({ length: Math.min(100, to - i) }, (_, j) => ({
          key: `k${(i + j) % KEYS}`,
          value: '1',
        }));
        await producer.send({ topic: input, acks: -1, messages });
        await new Promise((r) => setTimeout(r, 25)); // keep the stream flowing while the worker dies
      }
    };
    const total = KEYS * PER_KEY;

    child = startWorker(env);
    // Produce only once the worker runs: it must be killed while input still arrives (it
    // processes a backlog far faster than this producer writes, so a head start would let it finish).
    await running(child, 45_000);
    const producing = produce(0, total);
    await waitFor('first committed output', () => (updates.size > 0 ? true : undefined), 45_000, 20);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const sumAtKill = [...updates.values()].reduce((n, v) => n + (v.at(-1) ?? 0), 0);
    expect(sumAtKill).toBeLessThan(total); // killed mid-stream, not after the fact
    await producing;

    child = startWorker(env);
    const exact = () => [...Array(KEYS).keys()].every((k) => updates.get(`k${k}`)?.at(-1) === PER_KEY);
    await waitFor('exact final sums', () => (exact() ? true : undefined), 90_000, 200);
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    child = undefined;

    for (const [key, values] of updates) {
      // A duplicate update would repeat or overshoot; committed updates only ever grow and end exact.
      expect({ key, increasing: values.every((v, i) => i === 0 || v > (values[i - 1] as number)) }).toEqual({
        key,
        increasing: true,
      });
      expect(values.at(-1)).toBe(PER_KEY);
    }
  }, 180_000);
});
