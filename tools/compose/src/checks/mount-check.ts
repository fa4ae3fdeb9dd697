/**
 * Bind mounts: every source exists in the repository (compose would otherwise
 * create an empty directory in its place and the service would start without
 * its config), and every bind mount is read-only: containers read the
 * repository, they never write to it. Named volumes are declared at the top level.
 */
import { volumesOf } from '../compose-context';
import type { ComposeCheck } from './compose-check';

export const mountCheck: ComposeCheck = {
  name: 'mounts',
  description:
    'bind-mount sources exist and are read-only; named volumes and secret files are declared and exist',
  run: (ctx) => {
    const problems: string[] = [];
    const declaredVolumes = new Set(Object.keys(ctx.compose.volumes ?? {}));
    for (const [name, s] of Object.entries(ctx.compose.services)) {
      for (const v of volumesOf(s)) {
        if (v.type === 'bind') {
          const source = (v.source ?? '').replace(/^\.\//, '');
          if (!ctx.exists(source)) problems.push(`service ${name}: bind source ${v.source} does not exist`);
          if (!v.read_only)
            problems.push(`service ${name}: bind mount ${v.source} -> ${v.target} is not read-only`);
        } else if (v.type === 'volume' && v.source && !declaredVolumes.has(v.source)) {
          problems.push(`service ${name}: volume ${v.source} is not declared under top-level volumes`);
        }
      }
      for (const secret of s.secrets ?? []) {
        const id = typeof secret === 'string' ? secret : secret.source;
        if (!ctx.compose.secrets?.[id]) problems.push(`service ${name}: secret ${id} is not declared`);
      }
    }
    for (const [id, secret] of Object.entries(ctx.compose.secrets ?? {})) {
      if (secret.file && !ctx.exists(secret.file.replace(/^\.\//, ''))) {
        problems.push(`secret ${id}: file ${secret.file} does not exist`);
      }
    }
    return problems;
  },
};
