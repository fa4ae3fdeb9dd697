/**
 * `npm run load`: the load test (tools/load/README.md). Exits 0 when the run
 * passed, 1 when it failed (memory grew beyond its limit, events unseen, the
 * rate not achieved), 2 on a bad flag.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadOptions, LoadOptionsError, USAGE, wantsHelp } from './load-options';
import { runLoad } from './load-run';
import { chartSvg, svgToPng } from './load-chart';
import { topAllocationSites } from './heap-probe';
import { summaryLines } from './report-text';

const workspaceRoot = join(__dirname, '../../..');

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const options = loadOptions(argv);
  const report = await runLoad(options, (line) => console.log(line));
  const outDir = resolve(workspaceRoot, options.outDir ?? join('tmp/load', report.runId));
  mkdirSync(outDir, { recursive: true });
  const { heapProfiles, ...rest } = report;
  writeFileSync(join(outDir, 'report.json'), JSON.stringify(rest, null, 2));
  for (const [app, profile] of Object.entries(heapProfiles ?? {})) {
    writeFileSync(join(outDir, `${app}.heapprofile`), JSON.stringify(profile));
    console.log(
      `load: ${app}: allocated after the memory fit's start and still alive at the end (sampled, MiB):`,
    );
    for (const [site, mib] of topAllocationSites(profile))
      console.log(`  ${mib.toFixed(2).padStart(7)}  ${site}`);
  }
  const title =
    report.mode === 'search'
      ? `Rate search: highest rate with p99 < ${options.search.p99LimitMs} ms = ${report.maxRateUnderLimit}/s`
      : `Load test: ${options.rate} events/s for ${options.durationS} s (${report.startedAt.slice(0, 16)}Z, load avg ${report.loadAverage.meanDuring.toFixed(1)} on ${report.machine.cores} cores)`;
  const svg = chartSvg(report, title);
  const png = svgToPng(svg);
  writeFileSync(join(outDir, 'chart.svg'), svg);
  writeFileSync(join(outDir, 'chart.png'), png);
  if (options.chart) {
    const chart = resolve(workspaceRoot, options.chart);
    mkdirSync(dirname(chart), { recursive: true });
    writeFileSync(chart, png);
  }
  console.log('');
  for (const line of summaryLines(report)) console.log(line);
  console.log(
    `load: report ${join(outDir, 'report.json')}, chart ${join(outDir, 'chart.png')}${options.chart ? ` and ${options.chart}` : ''}`,
  );
  return report.failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`load: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof LoadOptionsError ? 2 : 1);
  },
);
