/**
 * What KafkaStreams checks before it joins the group, on the real broker:
 * co-partitioning of a join's inputs, and, with `internal.topics.create=false`
 * (internal topics managed as KafkaTopic resources), that they exist with the
 * right partitions and cleanup policy. Each failure names the fix.
 */
import { ConfigResourceTypes } from 'kafkajs';
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import {
  Consumed,
  CoPartitioningError,
  InternalTopicError,
  KafkaStreams,
  Materialized,
  Serdes,
  StreamsBuilder,
  StreamsState,
} from '../index';

const S = Serdes.String();

describe('KafkaStreams start-up checks on the real broker', () => {
  const ctx = new KafkaTestContext('streams-startup');

  afterAll(() => ctx.close());

  function config(appId: string, createInternalTopics = true) {
    return {
      'application.id': appId,
      'bootstrap.servers': stackEndpoints().brokers,
      'internal.topics.create': createInternalTopics,
      'session.timeout.ms': 6000,
    };
  }

  it('refuses to join a stream and a table that are not co-partitioned, naming both counts', async () => {
    const orders = await ctx.createTopic('orders', { partitions: 2 });
    const customers = await ctx.createTopic('customers', { partitions: 3 });
    const builder = new StreamsBuilder();
    const table = builder.table(customers, Consumed.with(S, S), Materialized.as('customers'));
    builder.stream(orders, Consumed.with(S, S)).join(table, (order, customer) => `${order}:${customer}`);
    const streams = new KafkaStreams(builder.build(), config(uniqueName('copart')));

    const started = streams.start();
    await expect(started).rejects.toThrow(CoPartitioningError);
    await expect(started).rejects.toThrow(`${orders}=2`);
    await expect(started).rejects.toThrow(`${customers}=3`);
    expect(streams.state).toBe(StreamsState.ERROR);
  });

  it('with internal.topics.create=false, names a missing changelog, then a wrong policy, then runs', async () => {
    const input = await ctx.createTopic('counted', { partitions: 2 });
    const appId = uniqueName('managed');
    const changelog = `${appId}-counts-changelog`;
    const topology = () => {
      const builder = new StreamsBuilder();
      builder.stream(input, Consumed.with(S, S)).groupByKey().count(Materialized.as('counts'));
      return builder.build();
    };

    const missing = new KafkaStreams(topology(), config(appId, false));
    await expect(missing.start()).rejects.toThrow(InternalTopicError);
    await expect(new KafkaStreams(topology(), config(appId, false)).start()).rejects.toThrow(
      `Internal topics are missing and 'internal.topics.create' is false: ${changelog} (partitions=2`,
    );
    const admin = await ctx.connectedAdmin();
    expect(await admin.listTopics()).not.toContain(changelog);

    // Declared by hand, as a KafkaTopic would, but with the wrong policy.
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: changelog,
          numPartitions: 2,
          replicationFactor: 1,
          configEntries: [{ name: 'cleanup.policy', value: 'delete' }],
        },
      ],
    });
    await expect(new KafkaStreams(topology(), config(appId, false)).start()).rejects.toThrow(
      `${changelog} has cleanup.policy=delete, needs compact`,
    );

    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: changelog,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
    });
    // The broker answers DescribeConfigs from its metadata view, which follows the controller's
    // commit of the change: wait until it shows, as the start-up check reads it the same way.
    await waitFor('cleanup.policy=compact to be visible', async () => {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: changelog, configNames: ['cleanup.policy'] }],
      });
      return described.resources[0]?.configEntries[0]?.configValue === 'compact' ? true : undefined;
    });
    const streams = new KafkaStreams(topology(), config(appId, false));
    try {
      await streams.start();
      await waitFor('RUNNING', () => (streams.state === StreamsState.RUNNING ? true : undefined), 30_000);
    } finally {
      await streams.close();
      await admin.deleteTopics({ topics: [changelog] }).catch(() => undefined);
    }
  });
});
