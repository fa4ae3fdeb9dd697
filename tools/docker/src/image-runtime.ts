/**
 * How an app's image starts its process and probes it, read from the final
 * stage of `apps/<app>/Dockerfile`, so a rehearsal runs exactly what the
 * image would: its ENV, its exec-form ENTRYPOINT (plus CMD), its HEALTHCHECK.
 * (tools/compose checks the same Dockerfiles statically; this reader is the
 * few lines a rehearsal needs.)
 */

/** The runtime half of an image. */
export interface ImageRuntime {
  /** ENV of the final stage. */
  readonly env: Record<string, string>;
  /** ENTRYPOINT followed by CMD, both exec form. */
  readonly argv: string[];
  /** The HEALTHCHECK's CMD, exec form; undefined without one. */
  readonly healthcheck: string[] | undefined;
}

function instructions(text: string): { keyword: string; args: string }[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => /^\s*(\S+)\s*(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ keyword: (m[1] as string).toUpperCase(), args: (m[2] as string).trim() }));
}

function execForm(args: string, what: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`${what} is not in exec form: ${args}`);
  }
  return parsed;
}

/** Reads the final stage of a Dockerfile. Throws on a shell-form ENTRYPOINT, CMD or HEALTHCHECK. */
export function imageRuntime(dockerfile: string): ImageRuntime {
  const all = instructions(dockerfile);
  const last = all.slice(all.map((i) => i.keyword).lastIndexOf('FROM') + 1);
  const env: Record<string, string> = {};
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let healthcheck: string[] | undefined;
  for (const { keyword, args } of last) {
    if (keyword === 'ENV') {
      for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)) {
        env[m[1] as string] = m[3] ?? (m[2] as string);
      }
    } else if (keyword === 'ENTRYPOINT') entrypoint = execForm(args, 'ENTRYPOINT');
    else if (keyword === 'CMD') cmd = execForm(args, 'CMD');
    else if (keyword === 'HEALTHCHECK') {
      const at = args.indexOf('CMD');
      healthcheck = at < 0 ? undefined : execForm(args.slice(at + 3).trim(), 'HEALTHCHECK CMD');
    }
  }
  return { env, argv: [...entrypoint, ...cmd], healthcheck };
}
