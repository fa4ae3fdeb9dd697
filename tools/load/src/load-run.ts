/**
 * A whole `npm run load`: a fixed-rate run, a smoke run, or the rate search,
 * on one session, ending in a {@link LoadReport} with a verdict.
 *
 * The rate search doubles the rate from `--search-from` while a step passes
 * (p99 under the limit on both paths, the rate achieved, nothing unseen),
 * then bisects between the last pass and the first failure. Steps are short
 * and back to back on the same processes, so a step also carries some of the
 * previous one's state (a first, unjudged 20 s at a low rate warms the
 * cold pipeline); the published figure is then confirmed by a full fixed run
 * at that rate.
 */
import { cpus, loadavg } from 'node:os';
import { APPS, LoadSession, type AppName, type PhaseResult, type Tick } from './load-session';
import type { LoadOptions } from './load-options';
import type { SamplingHeapProfile } from './heap-probe';
import { memoryTrend, type MemoryTrend } from './memory-trend';

/** Memory verdict of one app. */
export interface AppMemory extends MemoryTrend {
  readonly app: AppName;
  readonly ok: boolean;
}

/** Everything a run measured. */
export interface LoadReport {
  readonly mode: LoadOptions['mode'];
  readonly runId: string;
  readonly startedAt: string;
  readonly machine: { readonly cpus: string; readonly cores: number; readonly node: string };
  readonly loadAverage: {
    readonly atStart: readonly number[];
    readonly atEnd: readonly number[];
    readonly meanDuring: number;
  };
  readonly settings: Record<string, unknown>;
  readonly phases: readonly PhaseResult[];
  /** The search's answer: the highest passing rate (events/s), or 0 if none passed. */
  readonly maxRateUnderLimit: number | undefined;
  readonly memory: readonly AppMemory[];
  /** False when memory was not judged (too short a run). */
  readonly memoryJudged: boolean;
  readonly ticks: readonly Tick[];
  /** Per 5 s of event time: percentiles per path, for the chart. */
  readonly latencyOverTime: readonly LatencyBucket[];
  readonly failures: readonly string[];
  /**
   * With `--heap-profile`: per app, V8's sampling heap profile of what was allocated from the
   * memory fit's start and was still alive at the end (after a full collection).
   */
  readonly heapProfiles?: Partial<Record<AppName, SamplingHeapProfile>>;
}

/** Latency percentiles of the events stamped in one 5 s bucket. */
export interface LatencyBucket {
  readonly t: number;
  readonly query: readonly [number, number, number];
  readonly page: readonly [number, number, number];
}

/** Runs what `options` asks for; `log` gets the progress lines. */
export async function runLoad(options: LoadOptions, log: (line: string) => void): Promise<LoadReport> {
  const atStart = loadavg();
  const startedAt = new Date();
  const session = new LoadSession({
    stack: options.stack,
    ports: options.ports ?? {
      dashboard: options.basePort,
      simulator: options.basePort + 1,
      aggregator: options.basePort + 2,
    },
    appsRoot: options.appsRoot,
    aggregatorEnv: options.dedupeWindowMs > 0 ? { DEDUPE_WINDOW_MS: String(options.dedupeWindowMs) } : {},
    stores: options.stores,
    skus: options.skus,
    pollMs: options.pollMs,
    tickS: options.tickS,
    gcEveryS: options.gcEveryS,
    ...(options.heapProfile && options.mode !== 'search'
      ? { heapProfileFromS: memoryFitStartS(0, options) }
      : {}),
    drainS: options.drainS,
    log,
  });
  const failures: string[] = [];
  let maxRateUnderLimit: number | undefined;
  try {
    log(`load: run ${session.pipeline.runId} on ${options.stack.brokers.join(',')}; starting the apps`);
    const opening = Date.now();
    await session.open();
    log(`load: apps ready in ${((Date.now() - opening) / 1000).toFixed(1)} s`);
    if (options.mode === 'search') maxRateUnderLimit = await search(session, options, log);
    else {
      const phase = await session.phase({
        label: options.mode,
        rate: options.rate,
        durationS: options.durationS,
        warmupS: options.warmupS,
      });
      for (const [path, l] of [
        ['query', phase.query],
        ['page', phase.page],
      ] as const) {
        if (l.count === 0) failures.push(`no ${path} latency measured`);
        if (l.unseen > 0)
          failures.push(`${l.unseen} events never seen on the ${path} path after ${options.drainS} s`);
      }
      if (phase.achievedRate < 0.95 * options.rate)
        failures.push(`rate ${phase.achievedRate.toFixed(0)}/s achieved, below 95 % of ${options.rate}/s`);
    }
  } finally {
    await session.close(options.keepTopics);
  }

  // Memory is fitted once the state the aggregator keeps by design (ids of the last dedupe window,
  // purged as stream time passes) has reached its steady size: three windows after the start
  // (measured: at 1,200/s with a 60 s window, the aggregator's RSS levelled off after about 180 s).
  const judgedFrom =
    options.mode === 'search'
      ? 0
      : options.mode === 'smoke'
        ? (session.phases[0]?.measuredFromS ?? 0)
        : memoryFitStartS(session.phases[0]?.startS ?? 0, options);
  const end = session.ticks[session.ticks.length - 1]?.t ?? 0;
  const memoryJudged = options.mode !== 'search' && end - judgedFrom >= options.minJudgedS;
  const memory = APPS.map((app): AppMemory => {
    // After full collections when the probe took them (live memory), else the floors of every sample.
    const afterGc = session.ticks.flatMap((tick) => {
      const s = tick.afterGc?.[app];
      return s && tick.t >= judgedFrom
        ? [{ t: tick.t, rssBytes: s.rssBytes, heapUsedBytes: s.heapUsedBytes }]
        : [];
    });
    const trend =
      afterGc.length >= 3
        ? memoryTrend(afterGc, judgedFrom, 1)
        : memoryTrend(
            session.ticks.flatMap((tick) => {
              const s = tick.apps[app];
              return s ? [{ t: tick.t, rssBytes: s.rssBytes, heapUsedBytes: s.heapUsedBytes }] : [];
            }),
            judgedFrom,
          );
    const ok = trend.rssMiBPerMin <= options.maxRssSlope && trend.heapMiBPerMin <= options.maxHeapSlope;
    if (memoryJudged && !ok)
      failures.push(
        `${app} memory grows: RSS ${trend.rssMiBPerMin.toFixed(2)} MiB/min (limit ${options.maxRssSlope}), ` +
          `heap ${trend.heapMiBPerMin.toFixed(2)} MiB/min (limit ${options.maxHeapSlope})`,
      );
    return { app, ok, ...trend };
  });
  const loads = session.ticks.map((t) => t.load1);
  return {
    mode: options.mode,
    runId: session.pipeline.runId,
    startedAt: startedAt.toISOString(),
    machine: { cpus: cpus()[0]?.model ?? '?', cores: cpus().length, node: process.version },
    loadAverage: {
      atStart,
      atEnd: loadavg(),
      meanDuring: loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : 0,
    },
    settings: {
      rate: options.rate,
      durationS: options.durationS,
      warmupS: options.warmupS,
      stores: options.stores,
      skus: options.skus,
      pollMs: options.pollMs,
      dedupeWindowMs: options.dedupeWindowMs || 'app default',
      appsRoot: options.appsRoot,
      memoryFittedFromS: judgedFrom,
      gcEveryS: options.gcEveryS,
      maxRssSlope: options.maxRssSlope,
      maxHeapSlope: options.maxHeapSlope,
      ...(options.mode === 'search' ? { search: options.search } : {}),
    },
    phases: session.phases,
    maxRateUnderLimit,
    memory,
    memoryJudged,
    ticks: session.ticks,
    latencyOverTime: latencyBuckets(session),
    failures,
    ...(Object.keys(session.heapProfiles).length ? { heapProfiles: session.heapProfiles } : {}),
  };
}

/** The rate search: doubling, then bisection. Returns the highest rate that passed (0: none). */
async function search(
  session: LoadSession,
  options: LoadOptions,
  log: (line: string) => void,
): Promise<number> {
  const { from, max, stepS, refine, p99LimitMs } = options.search;
  const warmupS = Math.min(10, stepS / 4);
  let step = 0;
  const attempt = async (rate: number): Promise<boolean> => {
    const r = await session.phase({ label: `step${++step}`, rate, durationS: stepS, warmupS });
    const worst = Math.max(r.query.p99, r.page.p99);
    const pass =
      worst < p99LimitMs &&
      r.achievedRate >= 0.95 * rate &&
      r.query.unseen === 0 &&
      r.page.unseen === 0 &&
      r.query.count > 0 &&
      r.page.count > 0;
    log(
      `load: step ${step} at ${rate}/s: achieved ${r.achievedRate.toFixed(0)}/s, p99 query ${r.query.p99.toFixed(0)} ms, ` +
        `page ${r.page.p99.toFixed(0)} ms, unseen ${r.query.unseen}/${r.page.unseen}: ${pass ? 'PASS' : 'FAIL'}`,
    );
    return pass;
  };
  // A cold pipeline (JIT, connections, stores growing from empty) is slower for its first seconds;
  // a first step at a high rate would be judged on that. Warm it at a low rate first, unjudged.
  await session.phase({ label: 'warm', rate: Math.min(from, 100), durationS: 20, warmupS: 0 });
  let good = 0;
  let bad: number | undefined;
  for (let rate = from; rate <= max; rate *= 2) {
    if (await attempt(rate)) good = rate;
    else {
      bad = rate;
      break;
    }
  }
  for (let i = 0; i < refine && bad !== undefined && bad - good > Math.max(10, good * 0.1); i++) {
    const mid = Math.round((good + bad) / 2 / 10) * 10;
    if (await attempt(mid)) good = mid;
    else bad = mid;
  }
  log(
    `load: highest rate with p99 < ${p99LimitMs} ms on both paths: ${good}/s${bad ? ` (failed at ${bad}/s)` : ''}`,
  );
  return good;
}

/** Percentiles per 5 s of event time (p50, p99, p99.9), for the chart. */
function latencyBuckets(session: LoadSession): LatencyBucket[] {
  const bucketMs = 5000;
  const origin = session.originMs;
  const group = (samples: readonly { eventTime: number; latencyMs: number }[]) => {
    const by = new Map<number, number[]>();
    for (const s of samples) {
      const k = Math.floor((s.eventTime - origin) / bucketMs);
      let list = by.get(k);
      if (!list) by.set(k, (list = []));
      list.push(s.latencyMs);
    }
    return by;
  };
  const q = group(session.query.all());
  const p = group(session.page.all());
  const keys = [...new Set([...q.keys(), ...p.keys()])].filter((k) => k >= 0).sort((a, b) => a - b);
  const pct = (values: number[] | undefined): [number, number, number] => {
    if (!values || values.length === 0) return [Number.NaN, Number.NaN, Number.NaN];
    const sorted = Float64Array.from(values).sort();
    const at = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length - 1e-9) - 1)] as number;
    return [at(50), at(99), at(99.9)];
  };
  return keys.map((k) => ({ t: ((k + 0.5) * bucketMs) / 1000, query: pct(q.get(k)), page: pct(p.get(k)) }));
}

/** Where the memory fit starts (s): after the warm-up, and after three dedupe windows when the window is bounded. */
export function memoryFitStartS(
  phaseStartS: number,
  options: Pick<LoadOptions, 'warmupS' | 'dedupeWindowMs'>,
): number {
  return phaseStartS + Math.max(options.warmupS, (3 * options.dedupeWindowMs) / 1000);
}
