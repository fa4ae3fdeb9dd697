/**
 * Failure handling against the real stack: retries through the retry topics
 * with backoff, the DLQ with every header after the last attempt, poison
 * records straight to the DLQ, none of it blocking the partition, and
 * `dlq-replay` re-publishing a dead letter to its original topic.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import type { StoreInventory } from '@eda/events';
import { FailureHeaders } from '@eda/kafka';
import { KafkaTestContext, waitFor } from '@eda/testing';
import { runDlqReplay } from './cli/dlq-replay';
import { InventoryView } from './inventory/inventory-view';
import { serve } from './serve';
import { DashboardTopics, type ReadRecord } from './testing/dashboard-topics.fixture';

/** A failure a handler's dependency could raise; its class name lands in the DLQ header. */
class ShelfScannerError extends Error {}

describe('inventory-dashboard retries and dead letters', () => {
  const context = new KafkaTestContext('inventory-dashboard-failures');
  const topics = new DashboardTopics(context, [200, 400]);
  const saved = { ...process.env };
  let app: INestApplication;
  let view: InventoryView;
  /** Calls of the view's store update, by store: [failed, succeeded]. */
  const calls = new Map<string, { failed: number; applied: number }>();
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
        const count = calls.get(storeId) ?? { failed: 0, applied: 0 };
        calls.set(storeId, count);
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

  it('processes a record that fails twice exactly once, through both retry levels', async () => {
    failing.set('flaky', 2);
    await topics.sendStores([store('flaky')]);
    await waitFor('the flaky store in the view', () => view.store('flaky'), 20_000);
    expect(calls.get('flaky')).toEqual({ failed: 2, applied: 1 });
    const [level1, level2] = topics.topology.retryTopics(topics.storeInventory);
    const first = byKey(await topics.read(level1 as string), 'flaky');
    const second = byKey(await topics.read(level2 as string), 'flaky');
    expect(first.map((r) => r.headers[FailureHeaders.ATTEMPTS])).toEqual(['1']);
    expect(second.map((r) => r.headers[FailureHeaders.ATTEMPTS])).toEqual(['2']);
    expect(first[0]?.headers[FailureHeaders.ERROR_CLASS]).toBe('ShelfScannerError');
    expect(byKey(await topics.read(`${topics.storeInventory}.dlq`), 'flaky')).toEqual([]);
  });

  it('dead-letters a record that always fails with every header, while later records on its partition flow', async () => {
    failing.set('doomed', 'always');
    await topics.sendStores([store('doomed'), store('after-1'), store('after-2')], 0);
    // The later records are applied long before the doomed one has exhausted its retries.
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
    expect(calls.get('doomed')).toEqual({ failed: 3, applied: 0 });
    expect(view.store('doomed')).toBeUndefined();
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
