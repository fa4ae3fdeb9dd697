/**
 * Live heap after a full collection, through the app's inspector (the apps
 * are started with `--inspect=127.0.0.1:0`; nothing in the app changes).
 *
 * Heap used sampled at random moments saw-tooths with the collector, and V8
 * lets the old generation grow for minutes before a full collection when
 * memory is plentiful: a five-minute run cannot tell that from a leak. What a
 * leak raises is what survives a full collection, so the verdict is taken on
 * that: `HeapProfiler.collectGarbage` over the Chrome DevTools Protocol, then
 * one scrape of `/metrics`.
 */

/** The inspector's WebSocket URL, from the line Node prints on stderr when it starts listening. */
export function inspectorUrl(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

/** One app's inspector session, kept open for the run. */
export class HeapProbe {
  private nextId = 1;
  private readonly waiting = new Map<number, () => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const { id } = JSON.parse(String(event.data)) as { id?: number };
      if (id !== undefined) this.waiting.get(id)?.();
    });
  }

  /** Connects to `url` (ws://...). */
  static async connect(url: string): Promise<HeapProbe> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`inspector ${url} refused the connection`)), {
        once: true,
      });
    });
    return new HeapProbe(socket);
  }

  /** Runs a full collection in the app; resolves when it is done (or after `timeoutMs`). */
  collectGarbage(timeoutMs = 10_000): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const waiting = this.waiting;
      waiting.set(id, done);
      this.socket.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      function done(): void {
        clearTimeout(timer);
        waiting.delete(id);
        resolve();
      }
    });
  }

  close(): void {
    this.socket.close();
  }
}
