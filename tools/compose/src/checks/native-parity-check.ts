/**
 * Compose's Kafka and Apicurio are configured like the native stack's: every
 * broker property the native stack writes (tools/stack/stack.sh, server.properties
 * heredoc) has the same value in the apache/kafka image's KAFKA_* variables, and
 * every APICURIO_* / QUARKUS_LOG_* setting the stack passes the registry is
 * passed here too. Only addresses differ: listeners, quorum, paths and ports.
 */
import { environmentOf, STACK_SCRIPT, type ComposeContext } from '../compose-context';
import type { ComposeCheck } from './compose-check';

/** Broker properties that name addresses or paths, which differ by design. */
export const TOPOLOGY_PROPERTIES = new Set([
  'controller.quorum.bootstrap.servers',
  'controller.quorum.voters',
  'listeners',
  'advertised.listeners',
  'listener.security.protocol.map',
  'log.dirs',
]);

/** Registry settings that name addresses or ports, which differ by design. */
export const TOPOLOGY_REGISTRY_SETTINGS = new Set([
  'APICURIO_KAFKASQL_BOOTSTRAP_SERVERS',
  'QUARKUS_HTTP_HOST',
  'QUARKUS_HTTP_PORT',
  'QUARKUS_MANAGEMENT_HOST',
  'QUARKUS_MANAGEMENT_PORT',
]);

/**
 * The broker properties the native stack writes in its default (plaintext)
 * mode: the heredocs of kafka_config(), and the first heredoc of
 * kafka_listener_config() (its plaintext branch; EDA_STACK_SECURE=1 has no
 * compose counterpart).
 */
export function nativeBrokerProperties(stackScript: string): Map<string, string> {
  const functionBody = (name: string) =>
    new RegExp(`\\n${name}\\(\\) \\{\\n([\\s\\S]*?)\\n\\}\\n`).exec(stackScript)?.[1];
  const heredocs = (body: string) => [...body.matchAll(/<<EOF\n([\s\S]*?)\nEOF/g)].map((m) => m[1] as string);
  const config = functionBody('kafka_config');
  const listeners = functionBody('kafka_listener_config');
  const plaintext = listeners === undefined ? undefined : heredocs(listeners)[0];
  if (config === undefined || plaintext === undefined || heredocs(config).length === 0) {
    throw new Error(
      `${STACK_SCRIPT}: the server.properties heredocs (kafka_config, kafka_listener_config) were not found`,
    );
  }
  const body = [plaintext, ...heredocs(config)].join('\n');
  const props = new Map<string, string>();
  for (const line of body.split('\n')) {
    const m = /^([a-z][a-z0-9._-]*)=(.*)$/.exec(line.trim());
    if (m?.[1]) props.set(m[1], m[2] ?? '');
  }
  return props;
}

/** The apache/kafka image's variable for a property: KAFKA_ + upper case, `.` -> `_`, `_` -> `__`, `-` -> `___`. */
export function kafkaImageVariable(property: string): string {
  const escapes: Record<string, string> = { '.': '_', _: '__', '-': '___' };
  return `KAFKA_${property.replace(/[._-]/g, (c) => escapes[c] ?? c).toUpperCase()}`;
}

/** The registry settings the native stack passes in its default mode (VAR=value lines before start_process registry). */
export function nativeRegistrySettings(stackScript: string): Map<string, string> {
  const block = /registry_up\(\) \{([\s\S]*?)start_process registry/.exec(stackScript)?.[1];
  if (block === undefined)
    throw new Error(`${STACK_SCRIPT}: registry_up's start_process registry was not found`);
  // The secure mode's settings (EDA_STACK_SECURE=1) have no compose counterpart.
  const plaintext = block.replace(/\n(\s*)if \[ "\$SECURE" = 1 \]; then\n[\s\S]*?\n\1fi\n/g, '\n');
  const settings = new Map<string, string>();
  for (const m of plaintext.matchAll(/^\s*((?:APICURIO|QUARKUS)_[A-Z0-9_]+)=("[^"]*"|\S+)/gm)) {
    settings.set(m[1] as string, (m[2] as string).replace(/^"|"$/g, ''));
  }
  return settings;
}

function serviceByImage(
  ctx: ComposeContext,
  repository: string,
): [string, Record<string, string>] | undefined {
  const found = Object.entries(ctx.compose.services).find(([, s]) =>
    (s.image ?? '').includes(`${repository}:`),
  );
  return found && [found[0], environmentOf(found[1])];
}

export const nativeParityCheck: ComposeCheck = {
  name: 'native-parity',
  description: 'Kafka and Apicurio settings equal the native stack (tools/stack/stack.sh), addresses aside',
  run: (ctx) => {
    const script = ctx.readText(STACK_SCRIPT);
    const problems: string[] = [];
    const kafka = serviceByImage(ctx, 'apache/kafka');
    if (!kafka) problems.push('no service runs apache/kafka');
    else {
      for (const [prop, value] of nativeBrokerProperties(script)) {
        if (TOPOLOGY_PROPERTIES.has(prop)) continue;
        const variable = kafkaImageVariable(prop);
        const actual = kafka[1][variable];
        if (actual !== value) {
          problems.push(
            `service ${kafka[0]}: ${variable}=${actual ?? '(unset)'}, native stack has ${prop}=${value}`,
          );
        }
      }
    }
    const registry = serviceByImage(ctx, 'apicurio/apicurio-registry');
    if (!registry) problems.push('no service runs apicurio/apicurio-registry');
    else {
      for (const [key, value] of nativeRegistrySettings(script)) {
        if (TOPOLOGY_REGISTRY_SETTINGS.has(key)) continue;
        const actual = registry[1][key];
        if (actual !== value) {
          problems.push(`service ${registry[0]}: ${key}=${actual ?? '(unset)'}, native stack sets ${value}`);
        }
      }
    }
    return problems;
  },
};
