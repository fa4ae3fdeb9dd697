/**
 * The load test's smoke run (`npm run load -- --smoke`) against the real
 * stack: three app processes, a short constant rate, every reader and sampler.
 * It checks the machinery (every event timed on both paths, memory and lag
 * sampled, the chart rendered), not the figures, which depend on the machine.
 */
import { createServer } from 'node:net';
import { loadOptions } from './load-options';
import { runLoad, type LoadReport } from './load-run';
import { chartSvg, svgToPng } from './load-chart';
import { summaryLines } from './report-text';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run load -- --smoke', () => {
  let report: LoadReport;
  const lines: string[] = [];

  beforeAll(async () => {
    const options = loadOptions(['--smoke'], process.env);
    report = await runLoad(
      {
        ...options,
        ports: { simulator: await freePort(), aggregator: await freePort(), dashboard: await freePort() },
      },
      (line) => lines.push(line),
    );
  }, 240_000);

  it('times every event it produced, to the query API and to the page', () => {
    const [phase] = report.phases;
    expect(phase).toBeDefined();
    for (const path of [phase?.query, phase?.page]) {
      expect(path?.unseen).toBe(0);
      expect(path?.count).toBeGreaterThan(100);
      expect(path?.p50).toBeGreaterThanOrEqual(0);
      expect(path?.p999).toBeGreaterThanOrEqual(path?.p99 ?? Number.NaN);
    }
    expect(report.failures).toEqual([]);
  });

  it('prints a progress line per tick and samples lag, RSS and heap of each app', () => {
    expect(
      lines.filter((l) => /^\[smoke +\d+s\] rate \d+\/50\/s \| lag agg \d+ dash \d+/.test(l)).length,
    ).toBeGreaterThanOrEqual(4);
    const last = report.ticks[report.ticks.length - 1];
    for (const app of ['simulator', 'aggregator', 'dashboard'] as const) {
      expect(last?.apps[app]?.rssBytes).toBeGreaterThan(10 * 2 ** 20);
      expect(last?.apps[app]?.heapUsedBytes).toBeGreaterThan(2 ** 20);
    }
    // The heap probe: a full collection through each app's inspector, then a sample of the live heap.
    const afterGc = report.ticks.filter((t) => t.afterGc);
    expect(afterGc.length).toBeGreaterThanOrEqual(2);
    for (const app of ['simulator', 'aggregator', 'dashboard'] as const)
      expect(afterGc[0]?.afterGc?.[app]?.heapUsedBytes).toBeGreaterThan(2 ** 20);
    expect(report.memory.map((m) => m.app)).toEqual(['simulator', 'aggregator', 'dashboard']);
    expect(report.memoryJudged).toBe(false);
  });

  it('renders the summary and a PNG chart', () => {
    expect(summaryLines(report).join('\n')).toMatch(/\| smoke \| 50 \| \d+ \| page \(SSE\) \| \d+ \|/);
    const png = svgToPng(chartSvg(report, 'smoke'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
  });
});
