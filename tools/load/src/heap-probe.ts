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
  private readonly waiting = new Map<number, (result: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const { id, result } = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
      if (id !== undefined) this.waiting.get(id)?.(result);
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
  async collectGarbage(timeoutMs = 10_000): Promise<void> {
    await this.call('HeapProfiler.collectGarbage', {}, timeoutMs);
  }

  /**
   * Starts V8's sampling heap profiler: from now on it records a sample of
   * allocations with their stacks, and forgets those the collector frees.
   */
  async startSampling(): Promise<void> {
    await this.call('HeapProfiler.startSampling', { samplingInterval: 32_768 });
  }

  /** Stops sampling; the profile holds what was allocated since the start and is still alive. */
  async stopSampling(): Promise<SamplingHeapProfile | undefined> {
    const result = (await this.call('HeapProfiler.stopSampling', {}, 60_000)) as
      { profile?: SamplingHeapProfile } | undefined;
    return result?.profile;
  }

  private call(method: string, params: object, timeoutMs = 10_000): Promise<unknown> {
    const id = this.nextId++;
    return new Promise<unknown>((resolve) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const waiting = this.waiting;
      waiting.set(id, done);
      this.socket.send(JSON.stringify({ id, method, params }));
      function done(result: unknown): void {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(result);
      }
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** The DevTools protocol's sampling heap profile (Chrome DevTools opens it saved as `.heapprofile`). */
export interface SamplingHeapProfile {
  readonly head: SamplingNode;
}

interface SamplingNode {
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

/** The allocation sites holding the most live sampled bytes: `function (file:line)` and MiB, largest first. */
export function topAllocationSites(profile: SamplingHeapProfile, n = 12): [string, number][] {
  const bySite = new Map<string, number>();
  const visit = (node: SamplingNode, path: string[]) => {
    const frame = node.callFrame;
    const file = frame.url.replace(/^.*\/(node_modules|apps|libs)\//, '$1/');
    const site = `${frame.functionName || '(anonymous)'} (${file}:${frame.lineNumber + 1})`;
    if (node.selfSize > 0) {
      // Name the allocation by its own frame and the nearest frame of ours (apps/, libs/) above it.
      const ours = [...path].reverse().find((p) => p.includes('apps/') || p.includes('libs/'));
      const key = ours && !site.includes('apps/') && !site.includes('libs/') ? `${site} <- ${ours}` : site;
      bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) visit(child, [...path, site]);
  };
  visit(profile.head, []);
  return [...bySite.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([site, bytes]) => [site, bytes / 2 ** 20]);
}
