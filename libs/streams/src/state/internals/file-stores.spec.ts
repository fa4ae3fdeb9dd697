/**
 * Persistent (file-backed) stores: a snapshot is loaded only when the task
 * checkpoint vouches for exactly that file; a missing checkpoint, a CRC
 * mismatch, a flipped byte or a torn file all lead to an empty store (and so
 * a full changelog restore), never to wrong state.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsConfigError } from '../../errors';
import { StreamsMetrics } from '../../telemetry/metrics';
import { StoreCheckpoint, StoreContext, toKeyBytes } from './bytes-stores';
import { FileKeyValueStore } from './file-key-value-store';
import { FileWindowStore } from './file-window-store';

const k = (s: string) => toKeyBytes(Buffer.from(s));
const v = (s: string) => Buffer.from(s);

describe('persistent stores', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'streams-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const context = (checkpoint?: StoreCheckpoint, stateDir: string | null = dir): StoreContext => ({
    applicationId: 'app',
    taskId: '0_0',
    partition: 0,
    changelogTopic: 'app-s-changelog',
    collector: { send: () => undefined },
    taskStateDir: stateDir ?? undefined,
    metrics: new StreamsMetrics('app'),
    currentTimestamp: () => 0,
    ...(checkpoint === undefined ? {} : { checkpoint }),
  });

  /** A KV store with three entries (one deleted), snapshotted; returns its checkpoint entry. */
  const snapshotKv = (): StoreCheckpoint => {
    const store = new FileKeyValueStore('s');
    store.init(context());
    store.put(k('a'), v('1'));
    store.put(k('b'), v('2'));
    store.put(k('c'), v('3'));
    store.put(k('b'), null);
    const crc = store.writeSnapshot() as number;
    store.close();
    return { offset: 42, crc };
  };

  const reopenKv = (checkpoint?: StoreCheckpoint) => {
    const store = new FileKeyValueStore('s');
    store.init(context(checkpoint));
    return store;
  };

  it('key-value: reloads its snapshot when the checkpoint names it, and reports the offset to resume from', () => {
    const checkpoint = snapshotKv();
    const store = reopenKv(checkpoint);
    expect(store.range(undefined, undefined).map(([key, value]) => [key, value.toString()])).toEqual([
      ['a', '1'],
      ['c', '3'],
    ]);
    expect(store.localCheckpoint()).toEqual({ offset: 42, crc: checkpoint.crc });
  });

  it('key-value: without a checkpoint entry (crash, or EOS unclean stop) it wipes the file and starts empty', () => {
    snapshotKv();
    const store = reopenKv(undefined);
    expect(store.approximateNumEntries()).toBe(0);
    expect(store.localCheckpoint()).toBeUndefined();
    expect(existsSync(join(dir, 's.kv'))).toBe(false);
  });

  it('key-value: a checkpoint for another snapshot (CRC mismatch) is not trusted', () => {
    const { crc } = snapshotKv();
    const store = reopenKv({ offset: 42, crc: (crc + 1) >>> 0 });
    expect(store.approximateNumEntries()).toBe(0);
    expect(store.localCheckpoint()).toBeUndefined();
  });

  it('key-value: a flipped byte or a torn (truncated) snapshot starts empty', () => {
    const checkpoint = snapshotKv();
    const file = join(dir, 's.kv');
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[20] = (flipped[20] as number) ^ 0xff;
    writeFileSync(file, flipped);
    expect(reopenKv(checkpoint).approximateNumEntries()).toBe(0);

    writeFileSync(file, good.subarray(0, good.length - 3));
    expect(reopenKv(checkpoint).approximateNumEntries()).toBe(0);

    writeFileSync(file, good); // intact again: trusted again
    expect(reopenKv(checkpoint).get(k('a'))?.toString()).toBe('1');
  });

  it('a snapshot replaces the old file atomically and leaves no temp file', () => {
    const first = snapshotKv();
    const store = reopenKv(first);
    store.put(k('d'), v('4'));
    const crc = store.writeSnapshot() as number;
    expect(existsSync(join(dir, 's.kv.tmp'))).toBe(false);
    expect(reopenKv({ offset: 50, crc }).get(k('d'))?.toString()).toBe('4');
    expect(reopenKv(first).approximateNumEntries()).toBe(0); // the old checkpoint no longer matches
  });

  it('requires state.dir, with a config error that says so', () => {
    const store = new FileKeyValueStore('s');
    expect(() => store.init(context(undefined, null))).toThrow(StreamsConfigError);
    expect(() => store.init(context(undefined, null))).toThrow(/set 'state.dir'/);
  });

  it('window: reloads windows and its observed stream time, so expired windows stay expired', () => {
    const store = new FileWindowStore('w', 1000, 100);
    store.init(context());
    store.put(k('a'), v('1'), 0);
    store.put(k('a'), v('2'), 900);
    store.put(k('b'), v('3'), 1500); // observed stream time 1500: window 0 (<= 500) expires
    const crc = store.writeSnapshot() as number;
    store.close();

    const reopened = new FileWindowStore('w', 1000, 100);
    reopened.init(context({ offset: 7, crc }));
    expect(reopened.localCheckpoint()).toEqual({ offset: 7, crc });
    expect(reopened.all().map(([key, start, value]) => [key, start, value.toString()])).toEqual([
      ['a', 900, '2'],
      ['b', 1500, '3'],
    ]);
    reopened.put(k('c'), v('late'), 400); // older than observed - retention: dropped
    expect(reopened.fetch(k('c'), 400)).toBeUndefined();
    expect(reopened.fetch(k('a'), 0)).toBeUndefined();

    const wiped = new FileWindowStore('w', 1000, 100);
    wiped.init(context({ offset: 7, crc: (crc ^ 1) >>> 0 }));
    expect(wiped.all()).toEqual([]);
    expect(existsSync(join(dir, 'w.win'))).toBe(false);
  });
});
