/**
 * Runs one app's own configuration validation against an environment, in a
 * child process, and reports what it saw. The `app-env` check
 * (checks/app-env-check.ts) starts it once per app service with exactly the
 * environment compose gives that service, so the variables an app requires
 * are derived from its code, never listed a second time.
 *
 *   node -r @swc-node/register tools/compose/src/app-config-probe.ts apps/<app>/src/config
 *
 * It loads every `*.config.ts` in that folder and calls each `registerAs`
 * factory it exports (each reads and validates `process.env`, as at start-up),
 * plus the telemetry decision every app's `main.ts` makes. `process.env` is
 * wrapped so that every variable read is recorded. Prints one JSON line:
 * {@link ProbeReport}.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What the probe prints. */
export interface ProbeReport {
  /** Variables the configuration code read, set or not. */
  readonly read: string[];
  /** Each namespace's validated settings (factory KEY -> value); absent when one threw. */
  readonly settings: Record<string, unknown>;
  /** The first validation error, as the app would print it at start-up. */
  readonly error?: string;
}

function main(): void {
  const dir = resolve(process.argv[2] ?? '');
  const real = process.env;
  const read = new Set<string>();
  let recording = false;
  process.env = new Proxy(real, {
    get(target, key) {
      if (recording && typeof key === 'string') read.add(key);
      return Reflect.get(target, key) as unknown;
    },
  });
  const settings: Record<string, unknown> = {};
  let error: string | undefined;
  try {
    // Load first, then record: module loading reads variables of its own (SWC's, Node's).
    const factories = readdirSync(dir)
      .filter((f) => /\.config\.ts$/.test(f))
      .flatMap((file) => Object.values(require(join(dir, file)) as Record<string, unknown>))
      .filter(
        (value): value is (() => unknown) & { KEY: string } =>
          typeof value === 'function' && typeof (value as { KEY?: unknown }).KEY === 'string',
      );
    // Every main.ts starts telemetry from the OTEL_* variables before anything else.
    const telemetry = require('@eda/app-runtime') as {
      telemetryDecision: (env: NodeJS.ProcessEnv) => unknown;
    };
    if (factories.length === 0) throw new Error(`no registerAs configuration in ${dir}/*.config.ts`);
    recording = true;
    for (const factory of factories) settings[factory.KEY] = factory();
    settings['telemetry'] = telemetry.telemetryDecision(process.env);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  recording = false;
  const report: ProbeReport = { read: [...read].sort(), settings, ...(error ? { error } : {}) };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main();
