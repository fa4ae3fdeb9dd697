/**
 * Dockerfile rules in the spirit of hadolint's DL3006/DL3007 (pin base images),
 * DL3002 (do not end as root) and DL3020 (no ADD of remote files), implemented
 * here because hadolint's binary is not on every machine this repo is built on
 * (hadolint.spec.ts runs it where it is). Also: a node base image carries the
 * Node major of .nvmrc.
 *
 * An app's image (`apps/<app>/Dockerfile`) must also run the way the apps are
 * written to run: as a numeric non-root user, node itself as PID 1 (exec-form
 * ENTRYPOINT, so SIGTERM reaches the app's graceful shutdown), a HEALTHCHECK on
 * /health/ready, NODE_ENV=production, and node_modules from a production-only install.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { builtDockerfile } from '../app-services';
import { NVMRC_FILE, type ComposeContext } from '../compose-context';
import { finalStage, parseDockerfile, type DockerInstruction } from '../dockerfile';
import type { ComposeCheck } from './compose-check';
import { parseImageReference } from './image-check';

export { parseDockerfile } from '../dockerfile';

/** The Dockerfiles checked: the tools image, each one compose builds, and each app's. */
export const TOOLS_DOCKERFILE = 'Dockerfile.tools';

/** An app's Dockerfile, by path. */
export const APP_DOCKERFILE = /^apps\/[^/]+\/Dockerfile$/;

/** Processes that may be PID 1 of an app: node itself, or an init that forwards signals to it. */
const PID1 = new Set(['node', 'tini', '/sbin/tini', '/usr/bin/tini', 'dumb-init', '/usr/bin/dumb-init']);

function execForm(args: string): string[] | undefined {
  try {
    const parsed = JSON.parse(args) as unknown;
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Stage names (FROM ... AS name) and the instructions of each. */
function stages(instructions: readonly DockerInstruction[]): Map<string, DockerInstruction[]> {
  const out = new Map<string, DockerInstruction[]>();
  let current: DockerInstruction[] = [];
  instructions.forEach((ins, i) => {
    if (ins.keyword !== 'FROM') {
      current.push(ins);
      return;
    }
    current = [];
    const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
    out.set(words[1]?.toUpperCase() === 'AS' ? (words[2] ?? `${i}`).toLowerCase() : `${i}`, current);
  });
  return out;
}

/** The rules an app image must meet on top of {@link dockerfileProblems}. */
export function appImageProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  const all = parseDockerfile(text);
  const last = finalStage(all);
  const find = (keyword: string): DockerInstruction | undefined =>
    last.filter((i) => i.keyword === keyword).pop();

  const user = find('USER')?.args.split(':')[0]?.trim();
  if (user !== undefined && !/^\d+$/.test(user)) {
    problems.push(`${file}: USER ${user} is a name; use a numeric uid so runtimes can verify it is not root`);
  }

  const healthcheck = find('HEALTHCHECK');
  if (!healthcheck || /^NONE\b/i.test(healthcheck.args)) {
    problems.push(`${file}: the final stage has no HEALTHCHECK; probe /health/ready`);
  } else if (!healthcheck.args.includes('/health/ready')) {
    problems.push(`${file}:${healthcheck.line}: the HEALTHCHECK does not probe /health/ready`);
  }

  const start = find('ENTRYPOINT') ?? find('CMD');
  const argv = start ? execForm(start.args) : undefined;
  if (!start) problems.push(`${file}: the final stage has neither ENTRYPOINT nor CMD`);
  else if (!argv) {
    problems.push(
      `${file}:${start.line}: ${start.keyword} in shell form runs /bin/sh as PID 1, which does not pass SIGTERM on; use the exec form ["node", ...]`,
    );
  } else if (!PID1.has(argv[0] ?? '')) {
    problems.push(
      `${file}:${start.line}: ${start.keyword} starts ${argv[0]}; start node itself (or tini) so SIGTERM reaches the app`,
    );
  }

  const env = last.filter((i) => i.keyword === 'ENV').map((i) => i.args);
  if (!env.some((args) => /(^|\s)NODE_ENV=("|')?production\b/.test(args))) {
    problems.push(`${file}: the final stage does not set NODE_ENV=production`);
  }

  const byName = stages(all);
  const modules = last.filter((i) => i.keyword === 'COPY' && /\bnode_modules\b/.test(i.args));
  if (modules.length === 0) {
    problems.push(`${file}: the final stage copies no node_modules from a production-only install`);
  }
  for (const copy of modules) {
    const from = /--from=(\S+)/.exec(copy.args)?.[1]?.toLowerCase();
    const source = from ? byName.get(from) : undefined;
    const production = source?.some(
      (i) =>
        i.keyword === 'RUN' && /\bnpm\s+(ci|install|prune)\b[^&;|]*--(omit=dev|production)\b/.test(i.args),
    );
    if (!production) {
      problems.push(
        `${file}:${copy.line}: node_modules come from ${from ? `stage ${from}` : 'the build context'}, which does not run npm ci --omit=dev`,
      );
    }
  }
  return problems;
}

/** Problems in one Dockerfile's text; `file` names it in messages. */
export function dockerfileProblems(file: string, text: string, nodeMajor?: string): string[] {
  const problems: string[] = [];
  const instructions = parseDockerfile(text);
  const stages = new Set<string>();
  let lastUser: DockerInstruction | undefined;
  let froms = 0;
  for (const ins of instructions) {
    const at = `${file}:${ins.line}`;
    if (ins.keyword === 'FROM') {
      froms++;
      lastUser = undefined; // USER does not carry over into a new stage
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = words[0] ?? '';
      const alias = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      if (!stages.has(image.toLowerCase()) && image !== 'scratch') {
        const ref = parseImageReference(image);
        if (image.includes('$'))
          problems.push(`${at}: FROM ${image} is set by a build argument; pin it literally`);
        else if (!ref.tag && !ref.digest) problems.push(`${at}: FROM ${image} has no tag; pin a version`);
        else if (ref.tag === 'latest') problems.push(`${at}: FROM ${image} uses latest; pin a version`);
        else if (nodeMajor && /(^|\/)node$/.test(ref.repository) && !ref.tag?.startsWith(`${nodeMajor}.`)) {
          problems.push(`${at}: FROM ${image}, but ${NVMRC_FILE} says Node ${nodeMajor}`);
        }
      }
      if (alias) stages.add(alias.toLowerCase());
    } else if (ins.keyword === 'USER') {
      lastUser = ins;
    } else if (ins.keyword === 'ADD' && /(^|\s)(https?:\/\/|git@)/.test(ins.args)) {
      problems.push(`${at}: ADD of a remote URL; download with a checksum in RUN, or COPY`);
    }
  }
  if (froms === 0) problems.push(`${file}: no FROM`);
  const user = lastUser?.args.split(':')[0]?.trim();
  if (!lastUser) problems.push(`${file}: the final stage runs as root; add USER <non-root>`);
  else if (user === 'root' || user === '0')
    problems.push(`${file}:${lastUser.line}: the final stage runs as ${user}`);
  return problems;
}

/** `apps/<app>/Dockerfile` for every app folder that has one. */
function appDockerfilesOnDisk(ctx: ComposeContext): string[] {
  return readdirSync(join(ctx.root, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `apps/${d.name}/Dockerfile`)
    .filter((file) => ctx.exists(file));
}

export const dockerfileCheck: ComposeCheck = {
  name: 'dockerfiles',
  description:
    'Dockerfiles pin their base images, end as a non-root USER and ADD no URLs; app images also run node as PID 1, healthcheck /health/ready and ship production dependencies only',
  run: (ctx) => {
    const nodeMajor = ctx.readText(NVMRC_FILE).trim().replace(/^v/, '').split('.')[0];
    const files = new Set<string>([TOOLS_DOCKERFILE, ...appDockerfilesOnDisk(ctx)]);
    for (const s of Object.values(ctx.compose.services)) {
      const file = builtDockerfile(s);
      if (file) files.add(file);
    }
    return [...files].flatMap((file) => {
      if (!ctx.exists(file)) return [`${file} does not exist`];
      const text = ctx.readText(file);
      return [
        ...dockerfileProblems(file, text, nodeMajor),
        ...(APP_DOCKERFILE.test(file) ? appImageProblems(file, text) : []),
      ];
    });
  },
};
