/**
 * A small Dockerfile reader: instructions with continuation lines joined, and
 * what the checks ask of the final stage (ENV, HEALTHCHECK, USER, ENTRYPOINT).
 */

/** One instruction, continuation lines joined, with its 1-based line number. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

/** Splits a Dockerfile into instructions (comments and parser directives dropped). */
export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (pending !== '' && line.trimStart().startsWith('#')) return;
    if (pending === '') start = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s*(.*)$/.exec(full);
    if (m?.[1]) out.push({ keyword: m[1].toUpperCase(), args: m[2] ?? '', line: start });
  });
  return out;
}

/** The instructions of the last stage (after the last FROM). */
export function finalStage(instructions: readonly DockerInstruction[]): DockerInstruction[] {
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return instructions.slice(lastFrom + 1);
}

/** `KEY=value` pairs of one ENV instruction (quotes removed; the legacy `ENV KEY value` form too). */
export function envPairs(args: string): [string, string][] {
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]*)$/.exec(args.trim());
  if (legacy?.[1]) return [[legacy[1], (legacy[2] ?? '').trim()]];
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|\S*)/g)].map((m) => [
    m[1] as string,
    m[3] ?? m[4] ?? (m[2] as string),
  ]);
}

/** The environment the final stage of a Dockerfile sets. */
export function imageEnvironment(dockerfileText: string): Record<string, string> {
  return Object.fromEntries(
    finalStage(parseDockerfile(dockerfileText))
      .filter((i) => i.keyword === 'ENV')
      .flatMap((i) => envPairs(i.args)),
  );
}

/** Whether the final stage declares a HEALTHCHECK (other than `HEALTHCHECK NONE`). */
export function imageHasHealthcheck(dockerfileText: string): boolean {
  const hc = finalStage(parseDockerfile(dockerfileText)).filter((i) => i.keyword === 'HEALTHCHECK');
  return hc.length > 0 && !/^NONE\b/i.test((hc[hc.length - 1] as DockerInstruction).args.trim());
}
