/**
 * Failure handling against the real stack: retries through the retry topics
 * with backoff (each attempt no earlier than its `RETRY_NOT_BEFORE`), the DLQ
 * with every header after the last attempt, poison records straight to the
 * DLQ, none of it blocking the partition (later records are applied while a
 * failed one waits out its delay), a retry applied only by the instance whose
 * group put it there, and `dlq-replay` re-publishing a dead letter to its
 * original topic.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { StoreInventory } from '@eda/events';
import { FailureHeaders } from '@eda/kafka';
import { KafkaTestContext, waitFor } from '@eda/testing';
import { runDlqReplay } from './cli/dlq-replay';
import { InventoryView } from './inventory/inventory-view';
import { serve } from './serve';
import { appliedRecords } from './testing/dashboard-process.fixture';
import { DashboardTopics, type ReadRecord } from './testing/dashboard-topics.fixture';

/** A failure a handler's dependency could raise; its class name lands in the DLQ header. */
class ShelfScannerError extends Error {}

describe('inventory-dashboard retries and dead letters', () => {
  const context = new KafkaTestContext('inventory-dashboard-failures');
  /** Retry delays long enough that a blocking retry would visibly hold the partition up. */
  const DELAYS = [1500, 2500] as const;
  const topics = new DashboardTopics(context, [...DELAYS]);
  const saved = { ...process.env };
  let app: INestApplication;
  let view: InventoryView;
  /** Calls of the view's store update, by store: how many failed and succeeded, and when each was made. */
  const calls = new Map<string, { failed: number; applied: number; at: number[] }>();
  /** Stores whose update fails: a number fails that many times, `always` never succeeds. */
  const failing = new Map<string, number | 'always'>();

  beforeAll(async () => {
    await topics.create();
    Object.assign(process.env, topics.env());
    app = await serve({ port: 0, waitUntilCaughtUp: true });
    view = app.get(InventoryView);
    const apply = view.applyStoreInventory.bind(view);
    // The failure is injected where real work happens; the effects asserted are the topics and the view.
    jest
      .spyOn(view, 'applyStoreInventory')
      .mockImplementation((storeId: string, store: StoreInventory | null) => {
        const count = calls.get(storeId) ?? { failed: 0, applied: 0, at: [] };
        calls.set(storeId, count);
        count.at.push(Date.now());
        const rule = failing.get(storeId);
        if (rule === 'always' || (typeof rule === 'number' && count.failed < rule)) {
          count.failed += 1;
          throw new ShelfScannerError(`scanner offline for ${storeId}`);
        }
        count.applied += 1;
        return apply(storeId, store);
      });
  });
  afterAll(async () => {
    await app?.close();
    process.env = { ...saved };
    await topics.delete();
    await context.close();
  });

  const store = (storeId: string, quantity = 10): StoreInventory => ({
    storeId,
    items: { A: quantity },
    updatedAt: Date.now(),
  });
  const byKey = (records: ReadRecord[], key: string) => records.filter((r) => r.key === key);
  /** `dashboard_records_total{event="store.inventory",outcome}` of the instance at `base`. */
  const metric = async (base: string, outcome: string) => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`dashboard_records_total{event="store.inventory",outcome="${outcome}"} `));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };

  it('processes a record that fails twice exactly once, through both retry levels', async () => {
    failing.set('flaky', 2);
    await topics.sendStores([store('flaky')]);
    await waitFor('the flaky store in the view', () => view.store('flaky'), 20_000);
    expect(calls.get('flaky')).toMatchObject({ failed: 2, applied: 1 });
    const [level1, level2] = topics.topology.retryTopics(topics.storeInventory);
    const first = byKey(await topics.read(level1 as string), 'flaky');
    const second = byKey(await topics.read(level2 as string), 'flaky');
    expect(first.map((r) => r.headers[FailureHeaders.ATTEMPTS])).toEqual(['1']);
    expect(second.map((r) => r.headers[FailureHeaders.ATTEMPTS])).toEqual(['2']);
    expect(first[0]?.headers[FailureHeaders.ERROR_CLASS]).toBe('ShelfScannerError');
    // Each level's delay: due DELAYS[n] after the failure, and not attempted before it is due.
    const [attempt1, attempt2, attempt3] = calls.get('flaky')?.at ?? [];
    const due1 = Number(first[0]?.headers[FailureHeaders.RETRY_NOT_BEFORE]);
    const due2 = Number(second[0]?.headers[FailureHeaders.RETRY_NOT_BEFORE]);
    expect(due1 - (attempt1 as number)).toBeGreaterThanOrEqual(DELAYS[0]);
    expect(attempt2).toBeGreaterThanOrEqual(due1);
    expect(due2 - (attempt2 as number)).toBeGreaterThanOrEqual(DELAYS[1]);
    expect(attempt3).toBeGreaterThanOrEqual(due2);
    expect(byKey(await topics.read(`${topics.storeInventory}.dlq`), 'flaky')).toEqual([]);
  });

  it('dead-letters a record that always fails with every header, while later records on its partition flow', async () => {
    failing.set('doomed', 'always');
    await topics.sendStores([store('doomed'), store('after-1'), store('after-2')], 0);
    await waitFor('the records behind the failing one', () => view.store('after-2'), 10_000);
    expect(view.store('after-1')).toBeDefined();
    const dlq = `${topics.storeInventory}.dlq`;
    const [dead] = await waitFor(
      'the dead letter',
      async () => byKey(await topics.read(dlq), 'doomed')[0] && byKey(await topics.read(dlq), 'doomed'),
      20_000,
    );
    const original = byKey(await topics.read(topics.storeInventory), 'doomed')[0] as ReadRecord;
    expect(dead?.headers).toMatchObject({
      [FailureHeaders.ORIGINAL_TOPIC]: topics.storeInventory,
      [FailureHeaders.ORIGINAL_PARTITION]: '0',
      [FailureHeaders.ORIGINAL_OFFSET]: original.offset,
      [FailureHeaders.ERROR_CLASS]: 'ShelfScannerError',
      [FailureHeaders.ERROR_MESSAGE]: 'scanner offline for doomed',
      [FailureHeaders.ATTEMPTS]: '3',
    });
    expect(Number(dead?.headers[FailureHeaders.ORIGINAL_TIMESTAMP])).toBeGreaterThan(0);
    expect(dead?.value?.equals(original.value as Buffer)).toBe(true);
    expect(calls.get('doomed')).toMatchObject({ failed: 3, applied: 0 });
    expect(view.store('doomed')).toBeUndefined();
    // Not blocked: the records behind it were applied while it waited for its first retry,
    // which a retry that sleeps on the partition would have made them wait out.
    const [failedAt, firstRetryAt] = calls.get('doomed')?.at ?? [];
    const appliedAt = calls.get('after-2')?.at[0] as number;
    expect(appliedAt).toBeGreaterThanOrEqual(failedAt as number);
    expect(appliedAt - (failedAt as number)).toBeLessThan(DELAYS[0]);
    expect(appliedAt).toBeLessThan(firstRetryAt as number);
    expect((firstRetryAt as number) - (failedAt as number)).toBeGreaterThanOrEqual(DELAYS[0]);
  });

  it('leaves a retry to the instance whose group put it there: a second instance skips it', async () => {
    // Every instance reads every partition of the retry topics in a group of its own; the
    // retries above belong to the first instance's group.
    const second = await serve({ port: 0, waitUntilCaughtUp: true });
    try {
      const base = `http://127.0.0.1:${second.getHttpServer().address().port}`;
      const retries = (
        await Promise.all(topics.topology.retryTopics(topics.storeInventory).map((t) => topics.read(t)))
      ).flat();
      const records = (await topics.read(topics.storeInventory)).length;
      expect(retries.length).toBeGreaterThanOrEqual(4); // flaky twice, doomed twice
      const skipped = () => metric(base, 'skipped');
      await waitFor("the second instance to pass over the first one's retries", async () =>
        (await skipped()) >= retries.length ? true : undefined,
      );
      expect(await skipped()).toBe(retries.length);
      // It applied each record of the input topic once, and none of the other group's retries.
      expect(await appliedRecords(base, 'store.inventory')).toBe(records);
      expect(second.get(InventoryView).store('doomed')).toBeDefined(); // it never failed there
    } finally {
      await second.close();
    }
  });

  it('sends poison records straight to the DLQ, and dlq-replay re-publishes one to its topic', async () => {
    const unknownSchemaId = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 4, 6]);
    await topics.send(topics.storeInventory, [
      { key: 'poison-text', value: Buffer.from('{"not":"avro"}'), partition: 1 },
      { key: 'poison-id', value: unknownSchemaId, partition: 1 },
    ]);
    await topics.sendStores([store('after-poison')], 1);
    await waitFor('the record behind the poison', () => view.store('after-poison'), 10_000);
    const dlq = `${topics.storeInventory}.dlq`;
    const dead = await waitFor('both poison records in the DLQ', async () => {
      const records = (await topics.read(dlq)).filter((r) => r.key?.startsWith('poison-'));
      return records.length === 2 ? records : undefined;
    });
    const summary = dead.map((r) => [
      r.key,
      r.headers[FailureHeaders.ERROR_CLASS],
      r.headers[FailureHeaders.ATTEMPTS],
    ]);
    expect(summary.sort()).toEqual([
      ['poison-id', 'UnknownSchemaIdError', '1'],
      ['poison-text', 'UnknownMagicByteError', '1'],
    ]);
    for (const retryTopic of topics.topology.retryTopics(topics.storeInventory)) {
      expect((await topics.read(retryTopic)).filter((r) => r.key?.startsWith('poison-'))).toEqual([]);
    }

    const dry = await runDlqReplay({ deadLetterTopic: dlq, filter: { key: 'poison-id' }, dryRun: true });
    expect(dry.filter((r) => r.replayed).map((r) => r.key)).toEqual(['poison-id']);
    const before = byKey(await topics.read(topics.storeInventory), 'poison-id');
    expect(before).toHaveLength(1);

    await runDlqReplay({ deadLetterTopic: dlq, filter: { key: 'poison-id' }, dryRun: false });
    const after = byKey(await topics.read(topics.storeInventory), 'poison-id');
    expect(after).toHaveLength(2);
    expect(after[1]?.value?.equals(unknownSchemaId)).toBe(true);
    expect(Object.keys(after[1]?.headers ?? {}).filter((h) => h.startsWith('eda.'))).toEqual([]);
    // Still poison, so it is dead-lettered again rather than blocking anything.
    await waitFor('the replayed poison back in the DLQ', async () =>
      byKey(await topics.read(dlq), 'poison-id').length === 2 ? true : undefined,
    );
  });
});
