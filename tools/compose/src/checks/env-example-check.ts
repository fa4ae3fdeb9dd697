/**
 * .env.example documents exactly the variables docker-compose.yml reads, each
 * with the default the compose file falls back to, so the example never lies.
 */
import { ENV_EXAMPLE_FILE, parseEnvFile } from '../compose-context';
import type { ComposeCheck } from './compose-check';

export const envExampleCheck: ComposeCheck = {
  name: 'env-example',
  description:
    '.env.example lists every ${VAR} of docker-compose.yml with the same default, and nothing else',
  run: (ctx) => {
    const documented = parseEnvFile(ctx.readText(ENV_EXAMPLE_FILE));
    const problems: string[] = [];
    const used = new Set<string>();
    for (const { name, fallback } of ctx.variables) {
      used.add(name);
      if (!documented.has(name)) {
        problems.push(`docker-compose.yml reads \${${name}}, which ${ENV_EXAMPLE_FILE} does not document`);
      } else if (fallback === undefined) {
        problems.push(`docker-compose.yml reads \${${name}} without a default; write \${${name}:-<default>}`);
      } else if (documented.get(name) !== fallback) {
        problems.push(
          `${name}: docker-compose.yml defaults to '${fallback}' but ${ENV_EXAMPLE_FILE} says '${documented.get(name)}'`,
        );
      }
    }
    for (const name of documented.keys()) {
      if (!used.has(name))
        problems.push(`${ENV_EXAMPLE_FILE} documents ${name}, which docker-compose.yml never reads`);
    }
    return [...new Set(problems)];
  },
};
