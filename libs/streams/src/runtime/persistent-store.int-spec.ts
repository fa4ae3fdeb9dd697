/**
 * Persistent stores on the real broker: after a clean close, a restart with
 * the same `state.dir` loads the snapshots and restores 0 changelog records
 * (the checkpoint covers the whole changelog) with exact results; after the
 * checkpoints are corrupted, the next start restores every changelog record
 * and still ends with exact results. Run under both guarantees.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaTestContext, stackEndpoints, uniqueName, waitFor } from '@eda/testing';
import {
  Consumed,
  Grouped,
  KafkaStreams,
  Materialized,
  ProcessingGuarantee,
  Serdes,
  StreamsBuilder,
  StreamsState,
  TimeWindows,
} from '../index';

const S = Serdes.String();
const KEYS = 6;

function topology(input: string) {
  const builder = new StreamsBuilder();
  const grouped = builder.stream(input, Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
  grouped.count(Materialized.as<string, number>('counts').withStoreType('persistent'));
  grouped
    .windowedBy(TimeWindows.ofSizeWithNoGrace(60_000))
    .count(
      Materialized.as<string, number>('per-minute').withStoreType('persistent').withRetention(3_600_000),
    );
  return builder.build();
}

describe.each<ProcessingGuarantee>(['at_least_once', 'exactly_once_v2'])(
  'persistent stores with state.dir (%s)',
  (guarantee) => {
    const ctx = new KafkaTestContext('streams-persist');
    const appId = uniqueName('persist-app');
    const stateDir = mkdtempSync(join(tmpdir(), 'streams-persist-'));
    const changelogs = [`${appId}-counts-changelog`, `${appId}-per-minute-changelog`];
    // Event times near now: the window changelog has `delete` retention, and records stamped in
    // 1970 would be deleted by the broker mid-test.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const running: KafkaStreams[] = [];
    let input: string;

    beforeAll(async () => {
      input = await ctx.createTopic('persist-in', { partitions: 2 });
    });

    afterAll(async () => {
      for (const streams of running) await streams.close().catch(() => undefined);
      const topics = (await ctx.admin.listTopics()).filter((t) => t.startsWith(appId));
      await ctx.admin.deleteTopics({ topics }).catch(() => undefined);
      await ctx.close();
      rmSync(stateDir, { recursive: true, force: true });
    });

    const start = async () => {
      const streams = new KafkaStreams(topology(input), {
        'application.id': appId,
        'bootstrap.servers': stackEndpoints().brokers,
        'processing.guarantee': guarantee,
        'commit.interval.ms': 100,
        'session.timeout.ms': 6000,
        'state.dir': stateDir,
      });
      running.push(streams);
      await streams.start();
      await waitFor('RUNNING', () => (streams.state === StreamsState.RUNNING ? true : undefined), 30_000);
      return streams;
    };
    const produce = async (perKey: number, timestamp: number) => {
      const producer = await ctx.producer();
      const messages = Array.from({ length: KEYS * perKey }, (_, i) => ({
        key: `k${i % KEYS}`,
        value: 'x',
        timestamp: String(timestamp),
      }));
      await producer.send({ topic: input, acks: -1, messages });
    };
    const waitForCounts = async (streams: KafkaStreams, expected: number) => {
      const counts = streams.keyValueStore<string, number>('counts');
      await waitFor(
        `every key counted ${expected} times`,
        () => ([...Array(KEYS).keys()].every((k) => counts.get(`k${k}`) === expected) ? true : undefined),
        30_000,
      );
    };
    const snapshot = (streams: KafkaStreams) => ({
      counts: Object.fromEntries(
        streams
          .keyValueStore<string, number>('counts')
          .all()
          .map((e) => [e.key, e.value]),
      ),
      minutes: streams
        .windowStore<string, number>('per-minute')
        .all()
        .map((e) => `${e.key.key}@${e.key.window.start}=${e.value}`)
        .sort(),
    });
    /** Data records in the changelogs: what a full restore replays (EOS: minus transaction markers). */
    const changelogRecords = async () => {
      let total = 0;
      for (const topic of changelogs) {
        const consumer = await ctx.consumer({ readUncommitted: false });
        let seen = 0;
        const offsets = await ctx.admin.fetchTopicOffsets(topic);
        const lastOffsets = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
        const done = new Set<number>(offsets.filter((o) => o.high === o.low).map((o) => o.partition));
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ partition, message }) => {
            seen++;
            // The last data record may sit just below a commit marker (EOS): either ends the partition.
            if (Number(message.offset) >= (lastOffsets.get(partition) ?? 0) - 2) done.add(partition);
          },
        });
        await waitFor(`${topic} read`, () => (done.size === offsets.length ? true : undefined), 30_000);
        await new Promise((r) => setTimeout(r, 500));
        await consumer.stop();
        total += seen;
      }
      return total;
    };

    it('restores 0 records after a clean restart, and everything after the checkpoint is corrupted', async () => {
      await produce(10, minute);
      const first = await start();
      await waitForCounts(first, 10);
      const expected = snapshot(first);
      expect(first.metrics()['streams.restore.records']).toBe(0);
      await first.close();

      const taskDirs = readdirSync(join(stateDir, appId));
      expect(taskDirs.sort()).toEqual(['0_0', '0_1']);
      for (const task of taskDirs) expect(existsSync(join(stateDir, appId, task, '.checkpoint'))).toBe(true);

      // Clean restart: snapshots loaded, nothing replayed, exact state, and it carries on exactly.
      const second = await start();
      expect(second.metrics()['streams.restore.records']).toBe(0);
      expect(snapshot(second)).toEqual(expected);
      await produce(2, minute + 60_000);
      await waitForCounts(second, 12);
      const expectedAfter = snapshot(second);
      expect(expectedAfter.minutes).toContain(`k0@${minute + 60_000}=2`);
      expect(expectedAfter.minutes).toContain(`k0@${minute}=10`);
      await second.close();

      // Torn checkpoints: the snapshots are not trusted, every changelog record is replayed.
      for (const task of taskDirs)
        writeFileSync(join(stateDir, appId, task, '.checkpoint'), '{"version":1,"sto');
      const inChangelogs = await changelogRecords();
      const third = await start();
      expect(inChangelogs).toBeGreaterThan(0);
      expect(third.metrics()['streams.restore.records']).toBe(inChangelogs);
      expect(snapshot(third)).toEqual(expectedAfter);
      await third.close();
    }, 180_000);
  },
);
