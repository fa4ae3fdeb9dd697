/**
 * exactly_once_v2 across a broker outage, on the real broker without
 * stopping it (it is shared): the instance's kafkajs socket factory cuts every
 * connection it holds and refuses new ones for a few seconds, so commits,
 * aborts, heartbeats and restores fail as they did when the broker was killed
 * (kafkajs' retries run out: KafkaJSNumberOfRetriesExceeded over connection
 * errors). Regression for "illegal transition FAILED -> IN_TRANSACTION": the
 * instance must not go to ERROR, must come back to RUNNING, and the
 * read_committed output must hold exact sums with no update counted twice.
 */
import { connect, Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import { Consumed, Grouped, KafkaStreams, Materialized, Produced, Serdes, StreamsBuilder } from '../index';
import { StreamsState } from './streams-state';

const KEYS = 6;
const PER_KEY = 300;
const S = Serdes.String();
const L = Serdes.Long();

/** A socket factory whose connections can be cut, with new ones refused (port 1) until the outage ends. */
function cuttableSockets() {
  const open = new Set<Socket>();
  let downUntil = 0;
  const factory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket =
      Date.now() < downUntil ? connect({ host: '127.0.0.1', port: 1 }) : connect({ host, port }, onConnect);
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    return socket;
  };
  const outage = (ms: number) => {
    downUntil = Date.now() + ms;
    for (const s of open) s.destroy(new Error('simulated broker outage'));
  };
  return { factory, outage };
}

describe('exactly_once_v2 survives a broker outage', () => {
  const ctx = new KafkaTestContext('streams-outage');
  const appId = uniqueName('outage-app');
  let streams: KafkaStreams | undefined;

  afterAll(async () => {
    await streams?.close().catch(() => undefined);
    const topics = (await ctx.admin.listTopics()).filter((t) => t.startsWith(appId));
    await ctx.admin.deleteTopics({ topics }).catch(() => undefined);
    await ctx.close();
  });

  it('recovers without ERROR and keeps exact read_committed sums', async () => {
    const input = await ctx.createTopic('outage-in', { partitions: 2 });
    const output = await ctx.createTopic('outage-out', { partitions: 2 });
    const sockets = cuttableSockets();

    const builder = new StreamsBuilder();
    builder
      .stream(input, Consumed.with(S, S))
      .groupBy((key) => key, Grouped.with(S, S).withName('by-key'))
      .aggregate(
        () => 0,
        (_k, v, sum) => sum + Number(v),
        Materialized.as<string, number>('sums').withValueSerde(L),
      )
      .toStream()
      .to(output, Produced.with(S, L));
    streams = new KafkaStreams(builder.build(), {
      'application.id': appId,
      'bootstrap.servers': stackEndpoints().brokers.join(','),
      'processing.guarantee': 'exactly_once_v2',
      'commit.interval.ms': 100,
      'session.timeout.ms': 10_000,
      // Few, short retries: the outage outlasts them, as the real 19 s one outlasted the defaults.
      kafka: {
        socketFactory: sockets.factory,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      },
    });
    const states: string[] = [];
    // Readiness while tasks revive: the instance leaves RUNNING (not ready, stores not queryable, with a
    // retriable error) and comes back, never passing through ERROR. Listeners see every transition.
    const queriesWhileReviving: unknown[] = [];
    streams.onStateChange((now, old) => {
      states.push(now);
      if (now !== StreamsState.REBALANCING || old !== StreamsState.RUNNING) return;
      try {
        queriesWhileReviving.push(streams?.keyValueStore<string, number>('sums').get('k0'));
      } catch (err) {
        queriesWhileReviving.push(err);
      }
    });

    const updates = new Map<string, number[]>();
    const reader = await ctx.consumer({ readUncommitted: false });
    await reader.subscribe({ topic: output, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        updates.set(key, [...(updates.get(key) ?? []), L.deserialize(message.value!, output) as number]);
      },
    });

    await streams.start();
    await waitFor('RUNNING', () => (streams?.state === StreamsState.RUNNING ? true : undefined), 45_000, 50);
    const producer = await ctx.producer({ idempotent: true });
    const total = KEYS * PER_KEY;
    const produce = async (from: number, to: number) => {
      for (let i = from; i < to; i += 50) {
        const messages = Array.from({ length: Math.min(50, to - i) }, (_, j) => ({
          key: `k${(i + j) % KEYS}`,
          value: '1',
        }));
        await producer.send({ topic: input, acks: -1, messages });
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const producing = produce(0, total);
    await waitFor('first committed output', () => (updates.size > 0 ? true : undefined), 45_000, 20);
    sockets.outage(5_000);
    await producing;

    const exact = () => [...Array(KEYS).keys()].every((k) => updates.get(`k${k}`)?.at(-1) === PER_KEY);
    await waitFor('exact final sums', () => (exact() ? true : undefined), 120_000, 200);
    await waitFor(
      'RUNNING again',
      () => (streams?.state === StreamsState.RUNNING ? true : undefined),
      60_000,
      50,
    );

    expect(streams.fatalError).toBeUndefined();
    expect(states).not.toContain(StreamsState.ERROR);
    const sinceReady = states.slice(states.indexOf(StreamsState.RUNNING));
    expect(sinceReady).toContain(StreamsState.REBALANCING); // readiness dropped during the revive...
    expect(states.at(-1)).toBe(StreamsState.RUNNING); // ...and came back
    expect(queriesWhileReviving.length).toBeGreaterThan(0);
    for (const q of queriesWhileReviving) {
      expect(q).toMatchObject({ code: 'STREAMS_INVALID_STATE_STORE', retriable: true });
    }
    for (const [key, values] of updates) {
      expect({ key, increasing: values.every((v, i) => i === 0 || v > (values[i - 1] as number)) }).toEqual({
        key,
        increasing: true,
      });
      expect(values.at(-1)).toBe(PER_KEY);
    }
  }, 240_000);
});
