/**
 * Discovers what CI must render (every chart with every ci/*-values.yaml
 * scenario, every env overlay under gitops/) and renders it with the real
 * helm and kustomize.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { RenderedSet, renderedSet } from './manifest';
import { runTool, Tool } from './toolchain';

/** A chart directory and what kind of chart it is. */
export interface ChartDir {
  readonly dir: string;
  readonly name: string;
  readonly type: 'application' | 'library';
  /** ci/*-values.yaml scenario files, relative to the chart. */
  readonly scenarios: readonly string[];
}

/** A Kustomize overlay for one env. */
export interface OverlayDir {
  readonly dir: string;
  readonly env: string;
}

/** Every chart under charts/. */
export function discoverCharts(root: string): ChartDir[] {
  const chartsDir = join(root, 'charts');
  if (!existsSync(chartsDir)) {
    return [];
  }
  return readdirSync(chartsDir)
    .filter((name) => existsSync(join(chartsDir, name, 'Chart.yaml')))
    .sort()
    .map((name) => {
      const dir = join('charts', name);
      const chart = parse(readFileSync(join(root, dir, 'Chart.yaml'), 'utf8')) as { type?: string };
      const ciDir = join(root, dir, 'ci');
      const scenarios = existsSync(ciDir)
        ? readdirSync(ciDir)
            .filter((f) => f.endsWith('-values.yaml'))
            .sort()
            .map((f) => join('ci', f))
        : [];
      return { dir, name, type: chart.type === 'library' ? 'library' : 'application', scenarios };
    });
}

function walk(dir: string, visit: (path: string) => void): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      visit(path);
      walk(path, visit);
    }
  }
}

/**
 * Every directory with a kustomization.yaml below an `envs/<env>/` segment of
 * gitops/: these are what Argo CD syncs, so CI builds each one.
 */
export function discoverOverlays(root: string): OverlayDir[] {
  const overlays: OverlayDir[] = [];
  walk(join(root, 'gitops'), (path) => {
    if (!existsSync(join(path, 'kustomization.yaml'))) {
      return;
    }
    const parts = relative(root, path).split(sep);
    const at = parts.indexOf('envs');
    const env = at >= 0 ? parts[at + 1] : undefined;
    if (env) {
      overlays.push({ dir: parts.join('/'), env });
    }
  });
  return overlays.sort((a, b) => a.dir.localeCompare(b.dir));
}

/** Runs the tools from the repository root. */
export interface Renderer {
  readonly root: string;
  readonly tools: Record<Tool, string>;
}

/** `helm lint --strict`, with a scenario's values when given. */
export function lintChart(r: Renderer, chart: ChartDir, scenario?: string): void {
  const args = ['lint', '--strict', chart.dir];
  if (scenario) {
    args.push('--values', join(chart.dir, scenario));
  }
  runTool(r.tools.helm, args, { cwd: r.root });
}

/** `helm template` of an application chart, released as its own name in namespace eda. */
export function renderChart(r: Renderer, chart: ChartDir, scenario: string): RenderedSet {
  const yaml = runTool(
    r.tools.helm,
    ['template', chart.name, chart.dir, '--namespace', 'eda', '--values', join(chart.dir, scenario)],
    { cwd: r.root },
  );
  return renderedSet(`${chart.dir} (${scenario})`, yaml);
}

/** `kustomize build --enable-helm` of an env overlay, with our pinned helm. */
export function buildOverlay(r: Renderer, overlay: OverlayDir): RenderedSet {
  const yaml = runTool(
    r.tools.kustomize,
    ['build', '--enable-helm', '--helm-command', r.tools.helm, overlay.dir],
    {
      cwd: r.root,
    },
  );
  return renderedSet(overlay.dir, yaml, overlay.env);
}
