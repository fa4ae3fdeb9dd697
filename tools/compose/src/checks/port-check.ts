/**
 * Ports: no two services claim one host port, and every `service:port` that a
 * service or a config file under compose/ points at is a port that service
 * declares (`expose`, or a published container port). A typo such as
 * `apicurio:8081` fails here, not at run time. That an app listens on the
 * port compose publishes is the `app-ports` check's (app-env-check.ts).
 */
import { stringsOf, type ComposeContext, type ComposeService } from '../compose-context';
import type { ComposeCheck } from './compose-check';

/** Config files whose `host:port` references are checked, relative to the root. */
export const CONFIG_FILES_WITH_ENDPOINTS = [
  'compose/prometheus/prometheus.yml',
  'compose/otel-collector/config.yaml',
  'compose/grafana/provisioning/datasources/datasources.yaml',
];

/** A published port: host address and port, and the container port it maps to. */
export interface PublishedPort {
  readonly hostIp: string;
  readonly published: number | undefined;
  readonly target: number;
}

/** Parses `[ip:][published:]target[/proto]` and the long syntax. */
export function parsePort(port: NonNullable<ComposeService['ports']>[number]): PublishedPort {
  if (typeof port === 'object') {
    return {
      hostIp: port.host_ip ?? '0.0.0.0',
      published: port.published === undefined ? undefined : Number(port.published),
      target: port.target,
    };
  }
  const parts = String(port)
    .replace(/\/(tcp|udp)$/, '')
    .split(':');
  const target = Number(parts.pop());
  const published = parts.length > 0 ? Number(parts.pop()) : undefined;
  return { hostIp: parts.pop() ?? '0.0.0.0', published, target };
}

/** Container ports each service declares. */
export function declaredPorts(ctx: ComposeContext): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const [name, s] of Object.entries(ctx.compose.services)) {
    const ports = new Set<number>((s.expose ?? []).map((p) => Number(String(p).split('/')[0])));
    for (const p of s.ports ?? []) ports.add(parsePort(p).target);
    out.set(name, ports);
  }
  return out;
}

/** `name:port` or `name(port)` (MQ's CONNAME) for a known name, not inside a longer word. */
export function endpointReferences(text: string, names: Iterable<string>): { name: string; port: number }[] {
  const alternatives = [...names].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  if (!alternatives) return [];
  const re = new RegExp(`(?<![\\w.-])(${alternatives})(?::|\\()(\\d{2,5})(?!\\d)`, 'g');
  return [...text.matchAll(re)].map((m) => ({ name: m[1] as string, port: Number(m[2]) }));
}

function hostPortProblems(ctx: ComposeContext): string[] {
  const claims = new Map<number, string[]>();
  const claim = (port: number, who: string): void => {
    claims.set(port, [...(claims.get(port) ?? []), who]);
  };
  for (const [name, s] of Object.entries(ctx.compose.services)) {
    for (const p of (s.ports ?? []).map(parsePort)) {
      if (p.published === undefined || Number.isNaN(p.published)) continue;
      claim(p.published, `service ${name}`);
    }
  }
  return [...claims]
    .filter(([, who]) => who.length > 1)
    .map(([port, who]) => `host port ${port} is claimed by ${who.join(' and ')}`);
}

export const portCheck: ComposeCheck = {
  name: 'ports',
  description:
    'host ports are unique, and every service:port referenced (services, compose/ configs) is declared',
  run: (ctx) => {
    const declared = declaredPorts(ctx);
    const problems = hostPortProblems(ctx);
    const check = (where: string, text: string): void => {
      for (const ref of endpointReferences(text, declared.keys())) {
        if (!declared.get(ref.name)?.has(ref.port)) {
          const known = [...(declared.get(ref.name) ?? [])].join(', ') || 'none';
          problems.push(
            `${where}: ${ref.name}:${ref.port} is not a declared port of ${ref.name} (declared: ${known})`,
          );
        }
      }
    };
    for (const [name, s] of Object.entries(ctx.compose.services)) {
      for (const text of stringsOf([s.environment, s.command, s.healthcheck])) check(`service ${name}`, text);
    }
    for (const file of CONFIG_FILES_WITH_ENDPOINTS) check(file, ctx.readText(file));
    return problems;
  },
};
