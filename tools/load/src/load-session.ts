/**
 * One load session: the pipeline's processes, the readers, and the samples
 * taken every tick. A session runs one or more constant-rate phases (one for
 * a fixed run, one per step for the rate search) on the same processes.
 */
import { loadavg } from 'node:os';
import { scrape, type AppSample } from './app-metrics';
import { HeapProbe, type SamplingHeapProfile } from './heap-probe';
import { LatencyMatcher, percentiles, type LatencySample } from './latency-matcher';
import { followPage, pollQueries, tapItems, type StopReader } from './observers';
import { PipelineUnderLoad, type PipelineOptions } from './pipeline-under-load';

/** The apps sampled, by short name. */
export const APPS = ['simulator', 'aggregator', 'dashboard'] as const;
export type AppName = (typeof APPS)[number];

/** One tick of the timeline. */
export interface Tick {
  /** Seconds since the session's first phase started. */
  readonly t: number;
  readonly phase: string;
  readonly targetRate: number;
  /** Events the simulator acknowledged per second since the previous tick. */
  readonly achievedRate: number;
  /** Records behind: the aggregator's summed `aggregator_streams_lag`, the dashboard's `dashboard_consumer_lag`. */
  readonly aggregatorLag: number | undefined;
  readonly dashboardLag: number | undefined;
  readonly apps: Partial<Record<AppName, AppSample>>;
  /** Samples taken right after a full collection in each app (every `gcEveryS`), else absent. */
  readonly afterGc?: Partial<Record<AppName, AppSample>>;
  /** 1-minute load average of the machine. */
  readonly load1: number;
}

/** Latency figures of one path (ms). */
export interface PathLatency {
  readonly count: number;
  readonly unseen: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** What one constant-rate phase gave. */
export interface PhaseResult {
  readonly label: string;
  readonly targetRate: number;
  /** Events acknowledged per second over the measured part (after warm-up). */
  readonly achievedRate: number;
  readonly sent: number;
  /** Seconds since the session start: the phase's start and end, and where its warm-up ended. */
  readonly startS: number;
  readonly measuredFromS: number;
  readonly endS: number;
  readonly query: PathLatency;
  readonly page: PathLatency;
}

/** How one phase runs. */
export interface PhasePlan {
  readonly label: string;
  readonly rate: number;
  readonly durationS: number;
  /** Left out of the percentiles: the pipeline settling at the new rate. */
  readonly warmupS: number;
}

/** Session settings beyond the pipeline's. */
export interface SessionOptions extends PipelineOptions {
  readonly stores: number;
  readonly skus: number;
  readonly pollMs: number;
  readonly tickS: number;
  /** Seconds between full collections for the live-heap samples; 0: none. */
  readonly gcEveryS: number;
  /** Seconds into the (first) phase to start the sampling heap profiler; undefined: off. */
  readonly heapProfileFromS?: number;
  /** Longest wait, after a phase, for every event to be seen. */
  readonly drainS: number;
  /** One line per tick. */
  readonly log: (line: string) => void;
}

const PS = [50, 99, 99.9, 100];

/** The processes, readers and timeline of a run. */
export class LoadSession {
  readonly pipeline: PipelineUnderLoad;
  readonly query = new LatencyMatcher();
  readonly page = new LatencyMatcher();
  readonly ticks: Tick[] = [];
  readonly phases: PhaseResult[] = [];
  private readonly readers: StopReader[] = [];
  private readonly probes = new Map<AppName, HeapProbe>();
  private lastGc = 0;
  private sampling: 'off' | 'on' | 'done' = 'off';
  private phaseStartedAt = 0;
  /** What the sampling heap profiler found still alive at the end, per app. */
  readonly heapProfiles: Partial<Record<AppName, SamplingHeapProfile>> = {};
  /** Events read back from `items`, and acknowledged by the simulator in finished phases. */
  private produced = 0;
  private sentBefore = 0;
  private origin = 0;
  private seed = 1;

  constructor(private readonly options: SessionOptions) {
    this.pipeline = new PipelineUnderLoad(options);
  }

  /** Topics, schemas, apps and readers. */
  async open(): Promise<void> {
    const p = this.pipeline;
    await p.provision();
    await p.start();
    if (this.options.gcEveryS > 0)
      for (const [name, app] of [
        ['simulator', p.simulator],
        ['aggregator', p.aggregator],
        ['dashboard', p.dashboard],
      ] as const) {
        if (!app.inspectorUrl) throw new Error(`${app.name} printed no inspector URL:\n${app.output()}`);
        this.probes.set(name, await HeapProbe.connect(app.inspectorUrl));
      }
    const storeIds = Array.from(
      { length: this.options.stores },
      (_, i) => `store-${String(i + 1).padStart(3, '0')}`,
    );
    this.readers.push(
      await tapItems(p.kafka, p.topics.items, `${p.runId}-tap`, (storeId, eventTime) => {
        this.produced++;
        this.query.produced(storeId, eventTime);
        this.page.produced(storeId, eventTime);
      }),
      await followPage(p.dashboard.url, (storeId, updatedAt, at) =>
        this.page.sighted(storeId, updatedAt, at),
      ),
      pollQueries(p.aggregator.url, storeIds, this.options.pollMs, (storeId, updatedAt, at) =>
        this.query.sighted(storeId, updatedAt, at),
      ),
    );
  }

  /** Readers, apps, topics. */
  async close(keepTopics = false): Promise<void> {
    for (const stop of this.readers.splice(0)) await stop().catch(() => undefined);
    for (const probe of this.probes.values()) probe.close();
    await this.pipeline.close(keepTopics);
  }

  /** Runs `plan.rate` events/s for `plan.durationS`, then waits for every event to be seen. */
  async phase(plan: PhasePlan): Promise<PhaseResult> {
    const { simulator } = this.pipeline;
    if (this.origin === 0) this.origin = Date.now();
    const startedAt = Date.now();
    this.phaseStartedAt = startedAt;
    const response = await fetch(`${simulator.url}/api/simulations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        backend: 'kafka',
        ratePerSec: plan.rate,
        stores: this.options.stores,
        skus: this.options.skus,
        seed: this.seed++,
      }),
    });
    if (response.status !== 202)
      throw new Error(`POST /api/simulations answered ${response.status}: ${await response.text()}`);
    const { id } = (await response.json()) as { id: string };
    const status = async () =>
      (await (await fetch(`${simulator.url}/api/simulations/${id}`)).json()) as {
        sent: number;
        state: string;
        error?: string;
      };

    const measuredFrom = startedAt + plan.warmupS * 1000;
    const endAt = startedAt + plan.durationS * 1000;
    /** The first tick at or after the warm-up: the achieved rate is measured from it. */
    let measureStart: { at: number; sent: number } | undefined;
    let last = { at: startedAt, sent: 0 };
    while (Date.now() < endAt) {
      await sleep(Math.min(this.options.tickS * 1000, endAt - Date.now()));
      const run = await status();
      if (run.state === 'failed') throw new Error(`simulation failed: ${run.error ?? 'unknown'}`);
      const now = Date.now();
      if (measureStart === undefined && now >= measuredFrom) measureStart = { at: now, sent: run.sent };
      const tick = await this.tick(plan, (run.sent - last.sent) / ((now - last.at) / 1000));
      last = { at: now, sent: run.sent };
      this.options.log(this.progressLine(tick, startedAt));
    }
    const stoppedAt = Date.now();
    const final = (await (
      await fetch(`${simulator.url}/api/simulations/${id}`, { method: 'DELETE' })
    ).json()) as {
      sent: number;
    };
    await this.drain(final.sent);
    if (this.sampling === 'on') {
      this.sampling = 'done';
      for (const [name, probe] of this.probes) {
        await probe.collectGarbage();
        const profile = await probe.stopSampling();
        if (profile) this.heapProfiles[name] = profile;
      }
    }
    const from = measureStart ?? { at: startedAt, sent: 0 };
    const result: PhaseResult = {
      label: plan.label,
      targetRate: plan.rate,
      achievedRate: (final.sent - from.sent) / Math.max((stoppedAt - from.at) / 1000, 1e-3),
      sent: final.sent,
      startS: (startedAt - this.origin) / 1000,
      measuredFromS: (measuredFrom - this.origin) / 1000,
      endS: (stoppedAt - this.origin) / 1000,
      query: this.pathLatency(this.query, measuredFrom, stoppedAt),
      page: this.pathLatency(this.page, measuredFrom, stoppedAt),
    };
    this.phases.push(result);
    return result;
  }

  /** Latencies of events stamped in [from, to), each path. */
  window(matcher: LatencyMatcher, from: number, to: number): LatencySample[] {
    return matcher.all().filter((s) => s.eventTime >= from && s.eventTime < to);
  }

  /** Epoch ms of the session's t = 0. */
  get originMs(): number {
    return this.origin;
  }

  /** Waits until the tap read everything sent so far and both readers saw it, up to `drainS`. */
  private async drain(phaseSent: number): Promise<void> {
    this.sentBefore += phaseSent;
    const expected = this.sentBefore;
    const deadline = Date.now() + this.options.drainS * 1000;
    while (Date.now() < deadline) {
      if (this.produced >= expected && this.query.unseen === 0 && this.page.unseen === 0) return;
      await sleep(250);
    }
  }

  private pathLatency(matcher: LatencyMatcher, from: number, to: number): PathLatency {
    const values = this.window(matcher, from, to).map((s) => s.latencyMs);
    const [p50, p99, p999, max] = percentiles(values, PS) as [number, number, number, number];
    return { count: values.length, unseen: matcher.unseen, p50, p99, p999, max };
  }

  private async tick(plan: PhasePlan, achievedRate: number): Promise<Tick> {
    const p = this.pipeline;
    const urls: Record<AppName, string> = {
      simulator: p.simulator.url,
      aggregator: p.aggregator.url,
      dashboard: p.dashboard.url,
    };
    const [simulator, aggregator, dashboard] = await Promise.all([
      scrape(p.simulator.url),
      scrape(p.aggregator.url, 'aggregator_streams_lag'),
      scrape(p.dashboard.url, 'dashboard_consumer_lag'),
    ]);
    const apps: Partial<Record<AppName, AppSample>> = {};
    if (simulator) apps.simulator = simulator;
    if (aggregator) apps.aggregator = aggregator;
    if (dashboard) apps.dashboard = dashboard;
    const from = this.options.heapProfileFromS;
    if (this.sampling === 'off' && from !== undefined && Date.now() - this.phaseStartedAt >= from * 1000) {
      this.sampling = 'on';
      for (const probe of this.probes.values()) await probe.startSampling();
    }
    let afterGc: Partial<Record<AppName, AppSample>> | undefined;
    if (this.probes.size > 0 && Date.now() - this.lastGc >= this.options.gcEveryS * 1000) {
      this.lastGc = Date.now();
      afterGc = {};
      for (const [name, probe] of this.probes) {
        await probe.collectGarbage();
        const sample = await scrape(urls[name]);
        if (sample) afterGc[name] = sample;
      }
    }
    const tick: Tick = {
      ...(afterGc ? { afterGc } : {}),
      t: (Date.now() - this.origin) / 1000,
      phase: plan.label,
      targetRate: plan.rate,
      achievedRate,
      aggregatorLag: aggregator?.lag,
      dashboardLag: dashboard?.lag,
      apps,
      load1: loadavg()[0] ?? 0,
    };
    this.ticks.push(tick);
    return tick;
  }

  private progressLine(tick: Tick, phaseStart: number): string {
    const p99 = (m: LatencyMatcher) => {
      const [v] = percentiles(
        this.window(m, phaseStart, Number.POSITIVE_INFINITY).map((s) => s.latencyMs),
        [99],
      );
      return Number.isNaN(v) ? '   -' : `${Math.round(v as number)}`.padStart(4);
    };
    const mib = (a: AppName) => {
      const s = tick.apps[a];
      return s ? `${Math.round(s.rssBytes / 2 ** 20)}`.padStart(4) : '   ?';
    };
    const lag = (v: number | undefined) => (v === undefined ? '?' : String(v));
    return (
      `[${tick.phase} ${`${Math.round(tick.t)}`.padStart(4)}s] rate ${Math.round(tick.achievedRate)}/${tick.targetRate}/s` +
      ` | lag agg ${lag(tick.aggregatorLag)} dash ${lag(tick.dashboardLag)}` +
      ` | p99 so far: query ${p99(this.query)} ms, page ${p99(this.page)} ms` +
      ` | RSS MiB sim ${mib('simulator')} agg ${mib('aggregator')} dash ${mib('dashboard')}` +
      ` | load ${tick.load1.toFixed(2)}`
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
