import {
  BytesKeyValueStore,
  BytesWindowStore,
  FlushListener,
  fromKeyBytes,
  KeyBytes,
  StoreContext,
  windowChangelogKey,
} from './bytes-stores';
import { WrappedStore, WrappedWindowStore } from './wrapped-store';

/**
 * Writes every change to the store's compacted changelog topic
 * (`<application.id>-<store>-changelog`, partition = task partition), then to
 * the inner store. The changelog is the store's source of truth: a task that
 * moves or restarts replays it before processing (KIP-98 makes the writes part
 * of the task's transaction under exactly-once).
 */
function logChange(context: StoreContext, key: Buffer, value: Buffer | null): void {
  const { changelogTopic, partition, collector } = context;
  if (changelogTopic === undefined) return;
  collector.send({
    topic: changelogTopic,
    partition,
    key,
    value,
    timestamp: context.currentTimestamp(),
    headers: {},
  });
}

/** Change-logging decorator for key-value stores. */
export class ChangeLoggingKeyValueStore
  extends WrappedStore<BytesKeyValueStore>
  implements BytesKeyValueStore
{
  get(key: KeyBytes): Buffer | undefined {
    return this.inner.get(key);
  }

  put(key: KeyBytes, value: Buffer | null): void {
    this.inner.put(key, value);
    logChange(this.context, fromKeyBytes(key), value);
  }

  range(from: KeyBytes | undefined, to: KeyBytes | undefined): Array<[KeyBytes, Buffer]> {
    return this.inner.range(from, to);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  setFlushListener(listener: FlushListener): boolean {
    return this.inner.setFlushListener(listener);
  }
}

/** Change-logging decorator for window stores; the changelog key is key + window start. */
export class ChangeLoggingWindowStore
  extends WrappedWindowStore<BytesWindowStore>
  implements BytesWindowStore
{
  fetch(key: KeyBytes, windowStart: number): Buffer | undefined {
    return this.inner.fetch(key, windowStart);
  }

  put(key: KeyBytes, value: Buffer | null, windowStart: number): void {
    this.inner.put(key, value, windowStart);
    logChange(this.context, windowChangelogKey(key, windowStart), value);
  }

  fetchRange(key: KeyBytes, timeFrom: number, timeTo: number): Array<[number, Buffer]> {
    return this.inner.fetchRange(key, timeFrom, timeTo);
  }

  all(): Array<[KeyBytes, number, Buffer]> {
    return this.inner.all();
  }

  setFlushListener(listener: FlushListener): boolean {
    return this.inner.setFlushListener(listener);
  }
}
