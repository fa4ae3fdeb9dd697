import type { StoreCheckpoint, StoreContext, StoreLifecycle } from './bytes-stores';

/** What every inner store offers a layer: its lifecycle and the restore path. */
export interface WrappableStore extends StoreLifecycle {
  restore(key: Buffer, value: Buffer | null): void;
}

/** What an inner window store adds. */
export interface WrappableWindowStore extends WrappableStore {
  readonly windowSizeMs: number;
  readonly retentionMs: number;
}

/**
 * Base of the store layers (metered, caching, change-logging), after Kafka
 * Streams' `WrappedStateStore`: a layer wraps one inner store and passes its
 * lifecycle down (name, init, restore, checkpoint, snapshot, flush, close), so
 * each layer writes only what it adds. Restore always goes straight down: a
 * replayed changelog record is neither cached, logged again nor counted.
 */
export abstract class WrappedStore<S extends WrappableStore> {
  protected context!: StoreContext;

  constructor(protected readonly inner: S) {}

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

  restore(key: Buffer, value: Buffer | null): void {
    this.inner.restore(key, value);
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

/** A {@link WrappedStore} around a window store: also passes its window size and retention. */
export abstract class WrappedWindowStore<S extends WrappableWindowStore> extends WrappedStore<S> {
  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }
  get retentionMs(): number {
    return this.inner.retentionMs;
  }
}
