import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces the section between `<!-- bench:<key>:start -->` and
 * `<!-- bench:<key>:end -->` in the benchmarks document, or appends it, so
 * each benchmark owns its section and reruns do not pile up.
 */
export function writeBenchmarkSection(doc: string, key: string, markdown: string): void {
  const start = `<!-- bench:${key}:start -->`;
  const end = `<!-- bench:${key}:end -->`;
  const block = `${start}\n\n${markdown}\n\n${end}`;
  const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + block + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(doc, next);
}
