/**
 * Dockerfile rules in the spirit of hadolint's DL3006/DL3007 (pin base images),
 * DL3002 (do not end as root) and DL3020 (no ADD of remote files), implemented
 * here because hadolint's binary is not on the machines this repo is built on.
 * Also: a node base image carries the Node major of .nvmrc.
 */
import { NVMRC_FILE } from '../compose-context';
import type { ComposeCheck } from './compose-check';
import { parseImageReference } from './image-check';

/** The Dockerfiles checked: the tools image, and each app's as it lands. */
export const TOOLS_DOCKERFILE = 'Dockerfile.tools';

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

export const dockerfileCheck: ComposeCheck = {
  name: 'dockerfiles',
  description: 'Dockerfiles pin their base images, end as a non-root USER, and ADD no URLs',
  run: (ctx) => {
    const nodeMajor = ctx.readText(NVMRC_FILE).trim().replace(/^v/, '').split('.')[0];
    const files = new Set<string>([TOOLS_DOCKERFILE]);
    // Every Dockerfile a service builds, once apps are enabled.
    for (const s of Object.values(ctx.compose.services)) {
      if (typeof s.build === 'object' && s.build.dockerfile) files.add(s.build.dockerfile);
      else if (typeof s.build === 'string') files.add(`${s.build.replace(/\/$/, '')}/Dockerfile`);
    }
    return [...files].flatMap((file) =>
      ctx.exists(file) ? dockerfileProblems(file, ctx.readText(file), nodeMajor) : [`${file} does not exist`],
    );
  },
};
