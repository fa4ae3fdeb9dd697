/** The human summary of a {@link LoadReport}, printed at the end of a run. */
import type { LoadReport } from './load-run';

const ms = (v: number) => (Number.isNaN(v) ? '-' : `${Math.round(v)}`);

/** Lines of the summary. */
export function summaryLines(report: LoadReport): string[] {
  const lines: string[] = [];
  const la = report.loadAverage;
  lines.push(
    `load: ${report.mode} run ${report.runId}, ${report.machine.cores} x ${report.machine.cpus}, Node ${report.machine.node}`,
    `load: load average at start ${la.atStart.map((v) => v.toFixed(2)).join(' ')}, mean of 1-min samples during ${la.meanDuring.toFixed(2)}, at end ${la.atEnd.map((v) => v.toFixed(2)).join(' ')}`,
    '',
    '| phase | target/s | achieved/s | path | events | p50 ms | p99 ms | p99.9 ms | max ms | unseen |',
    '| ----- | -------: | ---------: | ---- | -----: | -----: | -----: | -------: | -----: | -----: |',
  );
  for (const p of report.phases)
    for (const [name, l] of [
      ['query API', p.query],
      ['page (SSE)', p.page],
    ] as const)
      lines.push(
        `| ${p.label} | ${p.targetRate} | ${p.achievedRate.toFixed(0)} | ${name} | ${l.count} | ${ms(l.p50)} | ${ms(l.p99)} | ${ms(l.p999)} | ${ms(l.max)} | ${l.unseen} |`,
      );
  const lags = (pick: (t: LoadReport['ticks'][number]) => number | undefined) => {
    const v = report.ticks.map(pick).filter((x): x is number => x !== undefined);
    return v.length ? `max ${Math.max(...v)}, last ${v[v.length - 1]}` : 'not sampled';
  };
  lines.push(
    '',
    `load: consumer lag (records): aggregator ${lags((t) => t.aggregatorLag)}; dashboard ${lags((t) => t.dashboardLag)}`,
    '',
    `| app | RSS MiB (first -> last) | RSS slope MiB/min | heap MiB (first -> last) | heap slope MiB/min | ${report.memoryJudged ? 'verdict' : 'verdict (not judged: run too short)'} |`,
    '| --- | ---------------------: | ----------------: | ----------------------: | -----------------: | ------- |',
  );
  for (const m of report.memory)
    lines.push(
      `| ${m.app} | ${m.rssMiB[0].toFixed(0)} -> ${m.rssMiB[1].toFixed(0)} | ${m.rssMiBPerMin.toFixed(2)} | ` +
        `${m.heapMiB[0].toFixed(0)} -> ${m.heapMiB[1].toFixed(0)} | ${m.heapMiBPerMin.toFixed(2)} | ${!report.memoryJudged ? '-' : m.ok ? 'flat' : 'GROWS'} |`,
    );
  lines.push(
    '',
    `load: memory limits: RSS ${String(report.settings['maxRssSlope'])} MiB/min, heap ${String(report.settings['maxHeapSlope'])} MiB/min, ` +
      `fitted from ${String(report.settings['memoryFittedFromS'])} s on (after the warm-up and three dedupe windows), ` +
      (Number(report.settings['gcEveryS']) > 0
        ? `on samples taken right after a full collection every ${String(report.settings['gcEveryS'])} s`
        : 'on 30 s floors'),
  );
  if (report.maxRateUnderLimit !== undefined)
    lines.push(
      `load: highest rate with p99 under the limit on both paths: ${report.maxRateUnderLimit} events/s`,
    );
  lines.push(report.failures.length ? `load: FAILED: ${report.failures.join('; ')}` : 'load: PASSED');
  return lines;
}
