/**
 * The load test's chart: an SVG drawn here (three panels sharing a time axis:
 * end-to-end latency percentiles, rate and lag, RSS and heap per app), turned
 * into a PNG by resvg (a prebuilt binary from npm; no browser, no network).
 */
import { Resvg } from '@resvg/resvg-js';
import type { LoadReport } from './load-run';

const W = 1100;
const PANEL_H = 230;
const M = { left: 70, right: 190, top: 50, gap: 62 };
const COLORS = {
  queryP50: '#9ecae1',
  queryP99: '#3182bd',
  queryP999: '#08519c',
  pageP50: '#fdae6b',
  pageP99: '#e6550d',
  pageP999: '#a63603',
  target: '#999999',
  achieved: '#31a354',
  aggLag: '#756bb1',
  dashLag: '#de2d26',
  simulator: '#31a354',
  aggregator: '#3182bd',
  dashboard: '#e6550d',
};

interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
  /** Heavier dots: samples right after a full collection. */
  readonly dotted?: boolean;
  /** Plotted against the panel's right axis. */
  readonly right?: boolean;
}

const dash = (s: Series) =>
  s.dotted ? ' stroke-dasharray="1 4" stroke-linecap="round"' : s.dashed ? ' stroke-dasharray="5 3"' : '';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** One panel's SVG: axes, grid, lines, legend. */
function panel(
  top: number,
  title: string,
  yLabel: string,
  series: readonly Series[],
  tMax: number,
  rightLabel?: string,
  bands: readonly { from: number; to: number; label: string }[] = [],
): string {
  const plotW = W - M.left - M.right;
  const x = (t: number) => M.left + (t / tMax) * plotW;
  const scaleOf = (list: readonly Series[]) => {
    const ys = list.flatMap((s) => s.points.map((p) => p[1])).filter((v) => Number.isFinite(v));
    const max = niceCeil(Math.max(1, ...ys) * 1.05);
    return { max, y: (v: number) => top + PANEL_H - (v / max) * PANEL_H };
  };
  const left = scaleOf(series.filter((s) => !s.right));
  const right = scaleOf(series.filter((s) => s.right));
  const out: string[] = [];
  out.push(`<text x="${M.left}" y="${top - 12}" font-size="15" font-weight="bold">${esc(title)}</text>`);
  bands.forEach((b, i) => {
    if (i % 2 === 1)
      out.push(
        `<rect x="${x(b.from)}" y="${top}" width="${x(b.to) - x(b.from)}" height="${PANEL_H}" fill="#f3f3f3"/>`,
      );
  });
  for (let i = 0; i <= 4; i++) {
    const v = (left.max * i) / 4;
    const y = left.y(v);
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${fmt(v)}</text>`);
    if (rightLabel) {
      const rv = (right.max * i) / 4;
      out.push(`<text x="${W - M.right + 6}" y="${y + 4}" font-size="11">${fmt(rv)}</text>`);
    }
  }
  out.push(
    `<text transform="translate(16 ${top + PANEL_H / 2}) rotate(-90)" font-size="12" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  if (rightLabel)
    out.push(
      `<text transform="translate(${W - M.right + 48} ${top + PANEL_H / 2}) rotate(90)" font-size="12" text-anchor="middle">${esc(rightLabel)}</text>`,
    );
  const ticks = niceCeil(tMax / 8);
  for (let t = 0; t <= tMax; t += ticks)
    out.push(
      `<text x="${x(t)}" y="${top + PANEL_H + 15}" font-size="11" text-anchor="middle">${Math.round(t)}</text>`,
    );
  out.push(`<rect x="${M.left}" y="${top}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#888"/>`);
  series.forEach((s, i) => {
    const scale = s.right ? right : left;
    const d = s.points
      .filter((p) => Number.isFinite(p[1]))
      .map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${scale.y(p[1]).toFixed(1)}`)
      .join(' ');
    if (d)
      out.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.dotted ? 3 : 1.8}"${dash(s)}/>`,
      );
    const ly = top + 10 + i * 17;
    out.push(
      `<line x1="${W - M.right + (rightLabel ? 70 : 12)}" x2="${W - M.right + (rightLabel ? 92 : 34)}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="${s.dotted ? 3 : 2.5}"${dash(s)}/>`,
      `<text x="${W - M.right + (rightLabel ? 96 : 38)}" y="${ly + 4}" font-size="11">${esc(s.label)}</text>`,
    );
  });
  return out.join('\n');
}

/** The chart as SVG text. */
export function chartSvg(report: LoadReport, title: string): string {
  const ticks = report.ticks;
  const tMax = Math.max(10, ...ticks.map((t) => t.t), ...report.latencyOverTime.map((b) => b.t));
  const lat = report.latencyOverTime;
  const pick = (path: 'query' | 'page', i: 0 | 1 | 2) => lat.map((b) => [b.t, b[path][i]] as const);
  const bands = report.phases.map((p) => ({ from: p.startS, to: p.endS, label: p.label }));
  const mib = (app: 'simulator' | 'aggregator' | 'dashboard', key: 'rssBytes' | 'heapUsedBytes') =>
    ticks.flatMap((t) => {
      const sample = t.apps[app];
      return sample ? [[t.t, sample[key] / 2 ** 20] as const] : [];
    });
  const liveHeap = (app: 'simulator' | 'aggregator' | 'dashboard') =>
    ticks.flatMap((t) => {
      const sample = t.afterGc?.[app];
      return sample ? [[t.t, sample.heapUsedBytes / 2 ** 20] as const] : [];
    });
  const top1 = M.top + 20;
  const top2 = top1 + PANEL_H + M.gap;
  const top3 = top2 + PANEL_H + M.gap;
  const height = top3 + PANEL_H + 55;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${M.left}" y="26" font-size="17" font-weight="bold">${esc(title)}</text>`,
    panel(
      top1,
      'End-to-end latency from event time (per 5 s of event time)',
      'ms',
      [
        { label: 'query API p50', color: COLORS.queryP50, points: pick('query', 0) },
        { label: 'query API p99', color: COLORS.queryP99, points: pick('query', 1) },
        { label: 'query API p99.9', color: COLORS.queryP999, points: pick('query', 2), dashed: true },
        { label: 'page (SSE) p50', color: COLORS.pageP50, points: pick('page', 0) },
        { label: 'page (SSE) p99', color: COLORS.pageP99, points: pick('page', 1) },
        { label: 'page (SSE) p99.9', color: COLORS.pageP999, points: pick('page', 2), dashed: true },
      ],
      tMax,
      undefined,
      bands,
    ),
    panel(
      top2,
      'Rate (events/s) and consumer lag (records)',
      'events/s',
      [
        {
          label: 'target rate',
          color: COLORS.target,
          points: ticks.map((t) => [t.t, t.targetRate] as const),
          dashed: true,
        },
        {
          label: 'achieved rate',
          color: COLORS.achieved,
          points: ticks.map((t) => [t.t, t.achievedRate] as const),
        },
        {
          label: 'aggregator lag',
          color: COLORS.aggLag,
          points: ticks.map((t) => [t.t, t.aggregatorLag ?? Number.NaN] as const),
          right: true,
        },
        {
          label: 'dashboard lag',
          color: COLORS.dashLag,
          points: ticks.map((t) => [t.t, t.dashboardLag ?? Number.NaN] as const),
          right: true,
        },
      ],
      tMax,
      'records',
      bands,
    ),
    panel(
      top3,
      'Memory per app: RSS (solid), V8 heap used (dashed), live heap after a full GC (dots), MiB',
      'MiB',
      (['simulator', 'aggregator', 'dashboard'] as const).flatMap((app) => [
        { label: `${app} RSS`, color: COLORS[app], points: mib(app, 'rssBytes') },
        { label: `${app} heap`, color: COLORS[app], points: mib(app, 'heapUsedBytes'), dashed: true },
        { label: `${app} live heap`, color: COLORS[app], points: liveHeap(app), dotted: true },
      ]),
      tMax,
      undefined,
      bands,
    ),
    `<text x="${M.left + (W - M.left - M.right) / 2}" y="${height - 18}" font-size="12" text-anchor="middle">seconds since the load started</text>`,
    '</svg>',
  ].join('\n');
}

/** PNG bytes of an SVG, with the system's fonts (DejaVu on Debian). */
export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
    .render()
    .asPng();
}

function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(v % 1000 === 0 ? 0 : 1)}k` : `${Math.round(v * 10) / 10}`;
}
