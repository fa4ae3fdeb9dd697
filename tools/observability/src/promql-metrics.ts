/**
 * The metric names a PromQL expression reads: every identifier that is not a
 * function or aggregation (followed by `(`), a keyword, a label (inside `{}`,
 * `by (...)`, `on (...)`, ...) or part of a string, range or duration.
 * Enough for the expressions dashboards and alert rules hold; not a parser.
 */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'inf',
  'nan',
]);

/** Metric (or recording rule) names `expr` reads, in order of appearance, without repeats. */
export function metricNames(expr: string): string[] {
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  s = s.replace(/\{[^}]*\}/g, ' ');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  s = s.replace(/\boffset\s+-?\d+[smhdwy]/g, ' ');
  const names: string[] = [];
  for (const match of s.matchAll(/(?<![\w:.$])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()/g)) {
    const name = match[1] as string;
    if (KEYWORDS.has(name.toLowerCase()) || names.includes(name)) continue;
    names.push(name);
  }
  return names;
}
