/**
 * Flags of `npm run load`, each with an environment variable of the same
 * meaning (flag first). `--smoke` and `--search` change the defaults of the
 * others; an explicit flag still wins.
 */
import { join, resolve } from 'node:path';
import { stackEndpoints, type StackEndpoints } from '@eda/testing';

const workspaceRoot = join(__dirname, '../../..');

/** Everything a run needs, defaults resolved. */
export interface LoadOptions {
  readonly mode: 'fixed' | 'search' | 'smoke';
  readonly rate: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly tickS: number;
  /** Seconds between forced full collections for the memory verdict (0: none). */
  readonly gcEveryS: number;
  readonly stores: number;
  readonly skus: number;
  readonly pollMs: number;
  readonly drainS: number;
  /** Memory limits: a fitted slope above either fails a fixed run (MiB per minute). */
  readonly maxRssSlope: number;
  readonly maxHeapSlope: number;
  /** Memory is judged only over at least this long after warm-up (s). */
  readonly minJudgedS: number;
  /** The aggregator's DEDUPE_WINDOW_MS for the run; 0 keeps the app's default (one day). */
  readonly dedupeWindowMs: number;
  readonly search: {
    readonly from: number;
    readonly max: number;
    readonly stepS: number;
    readonly refine: number;
    readonly p99LimitMs: number;
  };
  readonly basePort: number;
  /** Where the apps run from (`--apps-from`): this workspace by default. */
  readonly appsRoot: string;
  /** Explicit ports (tests pick free ones); otherwise from `basePort`. */
  readonly ports?: { readonly simulator: number; readonly aggregator: number; readonly dashboard: number };
  readonly outDir: string | undefined;
  readonly chart: string | undefined;
  readonly keepTopics: boolean;
  /** Sample the heap (V8's sampling profiler) over the memory fit and report what stayed alive. */
  readonly heapProfile: boolean;
  readonly stack: StackEndpoints;
}

/** A bad flag. */
export class LoadOptionsError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(`${message}. See npm run load -- --help.`);
    this.name = 'LoadOptionsError';
  }
}

export const USAGE = `npm run load -- [flags]            (env in brackets)

  --rate N            events/s for a fixed run (LOAD_RATE, default 3200: the published rate, docs/benchmarks.md)
  --duration S        seconds of load (LOAD_DURATION_S, default 300; smoke 15)
  --warmup S          seconds left out of percentiles and memory slopes (LOAD_WARMUP_S, default 30; smoke 5)
  --search            find the highest rate with p99 < --p99-limit on both paths, in short steps
  --search-from N     first step's rate (LOAD_SEARCH_FROM, default 100); doubled while it passes
  --search-max N      highest rate tried (LOAD_SEARCH_MAX, default 25600)
  --search-step S     seconds per step (LOAD_SEARCH_STEP_S, default 40), --search-refine K bisections (default 2)
  --p99-limit MS      the search's latency target (LOAD_P99_LIMIT_MS, default 1000)
  --smoke             a short run (<= 60 s with start-up) that checks the machinery, not the figures
  --stores N --skus N the simulator's scenario (default 5 stores, 20 skus)
  --poll-ms MS        query-API poll interval per store (LOAD_POLL_MS, default 100)
  --drain S           longest wait after the load for every event to be seen (default 60; smoke 20)
  --tick S            seconds between progress lines and samples (LOAD_TICK_S, default 5; smoke 2)
  --gc-every S        a full collection in each app (inspector) every S s, and a memory sample right
                      after it: the memory verdict is taken on those (LOAD_GC_EVERY_S, default 30; 0: off)
  --max-rss-slope M   fail if an app's RSS grows faster than M MiB/min (LOAD_MAX_RSS_SLOPE, default 6)
  --max-heap-slope M  fail if an app's heap grows faster than M MiB/min (LOAD_MAX_HEAP_SLOPE, default 3)
  --dedupe-window-ms  the aggregator's DEDUPE_WINDOW_MS (LOAD_DEDUPE_WINDOW_MS, default 30000; 0: the app's 1 day)
  --base-port P       dashboard P, simulator P+1, aggregator P+2 (LOAD_BASE_PORT, default 34500)
  --apps-from DIR     run the apps from this checkout (e.g. a \`git archive HEAD\` export with a node_modules link)
                      instead of the working tree (LOAD_APPS_FROM)
  --out DIR           report.json, chart.svg, chart.png (default tmp/load/<run id>)
  --chart FILE        also write the PNG chart there (e.g. docs/img/load-test.png)
  --heap-profile      sample each app's heap from the memory fit's start; writes <app>.heapprofile (open in
                      Chrome DevTools) and prints the allocation sites of what stayed alive
  --keep-topics       leave the run's topics and subjects on the stack
Kafka and the registry: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, or EDA_KAFKA_PORT / EDA_REGISTRY_PORT (as the tests).`;

/** Parses `argv` (without node and script) and `env`. */
export function loadOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LoadOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new LoadOptionsError(`Unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (['smoke', 'search', 'keep-topics', 'heap-profile', 'help'].includes(name)) flags.set(name, true);
    else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new LoadOptionsError(`--${name} needs a value`);
      flags.set(name, value);
    }
  }
  const known = new Set(USAGE.match(/--[a-z0-9-]+/g)?.map((f) => f.slice(2)));
  for (const name of flags.keys()) if (!known.has(name)) throw new LoadOptionsError(`Unknown flag --${name}`);
  const mode = flags.has('smoke') ? 'smoke' : flags.has('search') ? 'search' : 'fixed';
  const smoke = mode === 'smoke';
  const num = (flag: string, envName: string | undefined, fallback: number, min = 0): number => {
    const raw = flags.get(flag) ?? (envName ? env[envName] : undefined);
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min)
      throw new LoadOptionsError(
        `--${flag}${envName ? ` (${envName})` : ''} must be a number >= ${min}, got "${String(raw)}"`,
      );
    return value;
  };
  const str = (flag: string) => {
    const v = flags.get(flag);
    return typeof v === 'string' ? v : undefined;
  };
  return {
    mode,
    rate: num('rate', 'LOAD_RATE', smoke ? 50 : 3200, 1),
    durationS: num('duration', 'LOAD_DURATION_S', smoke ? 15 : 300, 1),
    warmupS: num('warmup', 'LOAD_WARMUP_S', smoke ? 5 : 30),
    tickS: num('tick', 'LOAD_TICK_S', smoke ? 2 : 5, 0.5),
    gcEveryS: num('gc-every', 'LOAD_GC_EVERY_S', smoke ? 5 : 30),
    stores: num('stores', undefined, 5, 1),
    skus: num('skus', undefined, 20, 1),
    pollMs: num('poll-ms', 'LOAD_POLL_MS', 100, 10),
    drainS: num('drain', undefined, smoke ? 20 : 60, 1),
    maxRssSlope: num('max-rss-slope', 'LOAD_MAX_RSS_SLOPE', 6),
    maxHeapSlope: num('max-heap-slope', 'LOAD_MAX_HEAP_SLOPE', 3),
    minJudgedS: 120,
    dedupeWindowMs: num('dedupe-window-ms', 'LOAD_DEDUPE_WINDOW_MS', 30_000),
    search: {
      from: num('search-from', 'LOAD_SEARCH_FROM', 100, 1),
      max: num('search-max', 'LOAD_SEARCH_MAX', 25600, 1),
      stepS: num('search-step', 'LOAD_SEARCH_STEP_S', 40, 5),
      refine: num('search-refine', undefined, 2),
      p99LimitMs: num('p99-limit', 'LOAD_P99_LIMIT_MS', 1000, 1),
    },
    basePort: num('base-port', 'LOAD_BASE_PORT', 34500, 1),
    appsRoot: resolve(workspaceRoot, str('apps-from') ?? env['LOAD_APPS_FROM'] ?? '.'),
    outDir: str('out'),
    chart: str('chart'),
    keepTopics: flags.has('keep-topics'),
    heapProfile: flags.has('heap-profile'),
    stack: stackEndpoints(env),
  };
}

/** True when `--help` was asked for. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
