import { Link } from '@opentelemetry/api';
import { linkToActiveSpan } from '../../../telemetry/tracing';

/**
 * What KTable nodes forward: the new value and the one it replaced
 * (Kafka Streams' `Change<V>`). `null` means absent (a deletion or a new key).
 */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
}

/** At most this many inputs are linked from one aggregate update; enough to navigate, bounded in memory. */
const MAX_LINKS_PER_KEY = 32;

/**
 * Remembers, per aggregate key, the spans of the records folded into it since
 * the last cache flush, so the flushed update can link to all of them.
 * Costs nothing when no tracing SDK is installed (no valid span contexts).
 */
export class ContributionLinks {
  private readonly links = new Map<string, Link[]>();

  /** Notes the active span as a contributor to `id`. */
  add(id: string): void {
    const link = linkToActiveSpan();
    if (link === undefined) return;
    const list = this.links.get(id);
    if (list === undefined) this.links.set(id, [link]);
    else if (list.length < MAX_LINKS_PER_KEY) list.push(link);
  }

  /** Returns and forgets the contributors of `id`. */
  take(id: string): Link[] {
    const list = this.links.get(id) ?? [];
    this.links.delete(id);
    return list;
  }
}

/** A stable string identity for a key (and window), for maps keyed by aggregate. */
export function keyId(key: unknown, windowStart?: number): string {
  const k = typeof key === 'object' && key !== null ? JSON.stringify(key) : String(key);
  return windowStart === undefined ? k : `${windowStart}|${k}`;
}
