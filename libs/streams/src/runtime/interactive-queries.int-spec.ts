/**
 * Two instances share an application's partitions: queryMetadataForKey
 * names the instance that holds each key, and when one instance stops its
 * tasks move to the other, which restores their state from the changelogs.
 */
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import { Consumed, KafkaStreams, Materialized, Serdes, StreamsBuilder, StreamsState } from '../index';

const S = Serdes.String();

describe('interactive queries across two instances', () => {
  const ctx = new KafkaTestContext('streams-iq');
  const appId = uniqueName('iq-app');
  const instances: KafkaStreams[] = [];

  afterAll(async () => {
    await Promise.allSettled(instances.map((i) => i.close()));
    const topics = (await ctx.admin.listTopics()).filter((t) => t.startsWith(appId));
    await ctx.admin.deleteTopics({ topics }).catch(() => undefined);
    await ctx.close();
  });

  it('routes keys to their host and moves state when an instance leaves', async () => {
    const input = await ctx.createTopic('iq-in', { partitions: 2 });
    const start = async (server: string) => {
      const builder = new StreamsBuilder();
      builder.stream(input, Consumed.with(S, S)).groupByKey().count(Materialized.as('counts'));
      const streams = new KafkaStreams(builder.build(), {
        'application.id': appId,
        'bootstrap.servers': stackEndpoints().brokers,
        'application.server': server,
        'commit.interval.ms': 100,
        'session.timeout.ms': 6000,
      });
      instances.push(streams);
      await streams.start();
      return streams;
    };
    const a = await start('host-a:7001');
    await waitFor('a RUNNING', () => (a.state === StreamsState.RUNNING ? true : undefined), 30_000);
    const b = await start('host-b:7002');
    const balanced = () =>
      a.state === StreamsState.RUNNING &&
      b.state === StreamsState.RUNNING &&
      a.localTaskIds().length === 1 &&
      b.localTaskIds().length === 1;
    await waitFor('one task each', () => (balanced() ? true : undefined), 45_000);

    const keys = Array.from({ length: 10 }, (_, i) => `key-${i}`);
    const producer = await ctx.producer();
    await producer.send({
      topic: input,
      messages: keys.flatMap((key) => [
        { key, value: '1' },
        { key, value: '2' },
      ]),
    });
    const local = (s: KafkaStreams, key: string) => s.keyValueStore<string, number>('counts').get(key);
    await waitFor(
      'all counted',
      () => (keys.every((k) => (local(a, k) ?? local(b, k)) === 2) ? true : undefined),
      30_000,
    );

    await waitFor('hosts known', async () => {
      await a.refreshHosts();
      return keys.every((k) => a.queryMetadataForKey('counts', k, S).activeHost !== undefined)
        ? true
        : undefined;
    });
    for (const key of keys) {
      const { activeHost } = a.queryMetadataForKey('counts', key, S);
      const [owner, other] = activeHost === 'host-a:7001' ? [a, b] : [b, a];
      expect({ key, owner: local(owner, key), other: local(other, key) }).toEqual({
        key,
        owner: 2,
        other: undefined,
      });
    }

    await a.close();
    await waitFor(
      'b owns both tasks',
      () => (b.state === StreamsState.RUNNING && b.localTaskIds().length === 2 ? true : undefined),
      45_000,
    );
    for (const key of keys) expect(local(b, key)).toBe(2);
    await b.refreshHosts();
    expect(new Set(keys.map((k) => b.queryMetadataForKey('counts', k, S).activeHost))).toEqual(
      new Set(['host-b:7002']),
    );
  }, 150_000);
});
