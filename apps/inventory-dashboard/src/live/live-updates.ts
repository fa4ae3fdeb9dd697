/**
 * Server-sent events for the page: a `snapshot` event with the whole view
 * first, then one event per change (`store`, `item`, `sales`, `alert`), and a
 * `ping` every 15 s so proxies keep the stream open. Streams end when the app
 * shuts down, before the HTTP server closes (which waits for open responses).
 *
 * Each change written to a client is a `sse push <type>` PRODUCER span, child of
 * the span active when the view changed: the Kafka record's `process <topic>`
 * span, so the push is the last hop of the record's trace (docs/observability.md).
 */
import { BeforeApplicationShutdown, Injectable, type MessageEvent } from '@nestjs/common';
import { SpanKind, trace } from '@opentelemetry/api';
import { concat, interval, map, merge, Observable, Subject, takeUntil } from 'rxjs';
import { InventoryView, type ViewChange } from '../inventory/inventory-view';

/** The tracer of the page's pushes. */
const tracer = trace.getTracer('inventory-dashboard');

/** Interval of keep-alive events. */
const PING_MS = 15_000;

/** Opens event streams over the view. */
@Injectable()
export class LiveUpdates implements BeforeApplicationShutdown {
  private readonly closing = new Subject<void>();
  private open = 0;

  constructor(private readonly view: InventoryView) {}

  /** Streams currently open. */
  get clients(): number {
    return this.open;
  }

  /** A new client's stream. */
  stream(): Observable<MessageEvent> {
    const changes = new Observable<ViewChange>((subscriber) => {
      this.open += 1;
      const unsubscribe = this.view.subscribe((change) => {
        const span = tracer.startSpan(`sse push ${change.kind}`, {
          kind: SpanKind.PRODUCER,
          attributes: { 'sse.event.type': change.kind, 'http.route': '/api/events' },
        });
        try {
          subscriber.next(change);
        } finally {
          span.end();
        }
      });
      return () => {
        this.open -= 1;
        unsubscribe();
      };
    }).pipe(map((change): MessageEvent => ({ type: change.kind, data: change })));
    const pings = interval(PING_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} })));
    // The snapshot is taken when the client subscribes, and changes follow it in order.
    const snapshot = new Observable<MessageEvent>((subscriber) => {
      subscriber.next({ type: 'snapshot', data: this.view.snapshot() });
      subscriber.complete();
    });
    return concat(snapshot, merge(changes, pings)).pipe(takeUntil(this.closing));
  }

  /** Ends every stream. */
  beforeApplicationShutdown(): void {
    this.closing.next();
    this.closing.complete();
  }
}
