import {
  KeyValue,
  KeyValueStore,
  ReadOnlyKeyValueStore,
  ReadOnlyWindowStore,
  Windowed,
  WindowStore,
  WindowValue,
} from '../state/stores';

/**
 * A read-only key-value view over the same store in every local task.
 * A key lives in exactly one task, so `get` returns the first hit; `range`
 * and `all` concatenate the tasks' (individually sorted) results.
 */
export function compositeKeyValueStore<K, V>(stores: () => unknown[]): ReadOnlyKeyValueStore<K, V> {
  const each = () => stores() as Array<KeyValueStore<K, V>>;
  return {
    get: (key) => {
      for (const s of each()) {
        const v = s.get(key);
        if (v !== undefined) return v;
      }
      return undefined;
    },
    range: (from, to): Array<KeyValue<K, V>> => each().flatMap((s) => s.range(from, to)),
    all: (): Array<KeyValue<K, V>> => each().flatMap((s) => s.all()),
    approximateNumEntries: () => each().reduce((n, s) => n + s.approximateNumEntries(), 0),
  };
}

/** A read-only window view over the same window store in every local task. */
export function compositeWindowStore<K, V>(stores: () => unknown[]): ReadOnlyWindowStore<K, V> {
  const each = () => stores() as Array<WindowStore<K, V>>;
  return {
    fetch: (key, windowStart) => {
      for (const s of each()) {
        const v = s.fetch(key, windowStart);
        if (v !== undefined) return v;
      }
      return undefined;
    },
    fetchRange: (key, from, to): Array<WindowValue<V>> => each().flatMap((s) => s.fetchRange(key, from, to)),
    all: (): Array<KeyValue<Windowed<K>, V>> => each().flatMap((s) => s.all()),
  };
}
