import {
  BytesKeyValueStore,
  BytesWindowStore,
  FlushListener,
  fromKeyBytes,
  KeyBytes,
  StoreCheckpoint,
  StoreContext,
  windowChangelogKey,
} from './bytes-stores';

/**
 * Writes every change to the store's compacted changelog topic
 * (`<application.id>-<store>-changelog`, partition = task partition), then to
 * the inner store. The changelog is the store's source of truth: a task that
 * moves or restarts replays it before processing (KIP-98 makes the writes part
 * of the task's transaction under exactly-once).
 */
abstract class ChangeLoggingLayer {
  protected context!: StoreContext;

  protected log(key: Buffer, value: Buffer | null): void {
    const { changelogTopic, partition, collector } = this.context;
    if (changelogTopic === undefined) return;
    collector.send({
      topic: changelogTopic,
      partition,
      key,
      value,
      timestamp: this.context.currentTimestamp(),
      headers: {},
    });
  }
}

/** Change-logging decorator for key-value stores. */
export class ChangeLoggingKeyValueStore extends ChangeLoggingLayer implements BytesKeyValueStore {
  constructor(private readonly inner: BytesKeyValueStore) {
    super();
  }

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }

  init(context: StoreContext): void {
    this.context = context;
    this.inner.init(context);
  }

  get(key: KeyBytes): Buffer | undefined {
    return this.inner.get(key);
  }

  put(key: KeyBytes, value: Buffer | null): void {
    this.inner.put(key, value);
    this.log(fromKeyBytes(key), value);
  }

  range(from: KeyBytes | undefined, to: KeyBytes | undefined): Array<[KeyBytes, Buffer]> {
    return this.inner.range(from, to);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  restore(key: Buffer, value: Buffer | null): void {
    this.inner.restore(key, value);
  }

  setFlushListener(listener: FlushListener): boolean {
    return this.inner.setFlushListener(listener);
  }

  localCheckpoint(): StoreCheckpoint | undefined {
    return this.inner.localCheckpoint();
  }

  writeSnapshot(): number | undefined {
    return this.inner.writeSnapshot();
  }

  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.inner.close();
  }
}

/** Change-logging decorator for window stores; the changelog key is key + window start. */
export class ChangeLoggingWindowStore extends ChangeLoggingLayer implements BytesWindowStore {
  constructor(private readonly inner: BytesWindowStore) {
    super();
  }

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }
  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }
  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  init(context: StoreContext): void {
    this.context = context;
    this.inner.init(context);
  }

  fetch(key: KeyBytes, windowStart: number): Buffer | undefined {
    return this.inner.fetch(key, windowStart);
  }

  put(key: KeyBytes, value: Buffer | null, windowStart: number): void {
    this.inner.put(key, value, windowStart);
    this.log(windowChangelogKey(key, windowStart), value);
  }

  fetchRange(key: KeyBytes, timeFrom: number, timeTo: number): Array<[number, Buffer]> {
    return this.inner.fetchRange(key, timeFrom, timeTo);
  }

  all(): Array<[KeyBytes, number, Buffer]> {
    return this.inner.all();
  }

  restore(changelogKey: Buffer, value: Buffer | null): void {
    this.inner.restore(changelogKey, value);
  }

  setFlushListener(listener: FlushListener): boolean {
    return this.inner.setFlushListener(listener);
  }

  localCheckpoint(): StoreCheckpoint | undefined {
    return this.inner.localCheckpoint();
  }

  writeSnapshot(): number | undefined {
    return this.inner.writeSnapshot();
  }

  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.inner.close();
  }
}
