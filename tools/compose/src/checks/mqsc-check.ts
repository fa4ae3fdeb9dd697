/**
 * The IBM MQ queue definitions (gitops/platform/ibm-mq/base/*.mqsc, mounted by compose) are coherent and cover what
 * the apps use: every BOQNAME names a queue defined there, a queue with a
 * backout queue has BOTHRESH > 0 (else nothing is ever backed out), and every
 * queue an app's MQ_*QUEUE variable names is defined.
 */
import { environmentOf, volumesOf } from '../compose-context';
import type { ComposeCheck } from './compose-check';

export const MQSC_FILE = 'gitops/platform/ibm-mq/base/20-eda-queues.mqsc';

/** A local queue definition: its name and attributes (upper-case keys). */
export interface QueueDefinition {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/** Parses DEFINE QLOCAL commands; `*` comments and `+`/`-` continuations handled. */
export function parseMqsc(text: string): QueueDefinition[] {
  const commands: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('*')) continue;
    if (line.endsWith('+') || line.endsWith('-')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    commands.push((current + line).trim());
    current = '';
  }
  if (current.trim()) commands.push(current.trim());
  const queues: QueueDefinition[] = [];
  for (const command of commands) {
    const m = /^DEF(?:INE)?\s+QL(?:OCAL)?\s*\(\s*'?([^')\s]+)'?\s*\)(.*)$/i.exec(command);
    if (!m?.[1]) continue;
    const attributes = new Map<string, string>();
    for (const a of (m[2] ?? '').matchAll(/([A-Z]+)(?:\(\s*'?([^')]*)'?\s*\))?/gi)) {
      attributes.set((a[1] as string).toUpperCase(), a[2] ?? '');
    }
    queues.push({ name: m[1], attributes });
  }
  return queues;
}

export const mqscCheck: ComposeCheck = {
  name: 'mq-queues',
  description: 'MQSC backout settings are coherent and every queue the apps name is defined and mounted',
  run: (ctx) => {
    const queues = parseMqsc(ctx.readText(MQSC_FILE));
    const names = new Set(queues.map((q) => q.name));
    const problems: string[] = [];
    if (queues.length === 0) problems.push(`${MQSC_FILE}: defines no QLOCAL`);
    for (const q of queues) {
      const boq = q.attributes.get('BOQNAME');
      const threshold = Number(q.attributes.get('BOTHRESH') ?? '0');
      if (boq !== undefined && !names.has(boq))
        problems.push(`${MQSC_FILE}: ${q.name} BOQNAME(${boq}) is not defined`);
      if (boq !== undefined && !(threshold > 0))
        problems.push(`${MQSC_FILE}: ${q.name} has BOQNAME but no BOTHRESH > 0`);
      if (boq === undefined && threshold > 0)
        problems.push(`${MQSC_FILE}: ${q.name} has BOTHRESH but no BOQNAME`);
    }
    const users = Object.entries(ctx.compose.services).map(
      ([n, s]) => [`service ${n}`, environmentOf(s)] as const,
    );
    for (const [where, env] of users) {
      for (const [key, value] of Object.entries(env)) {
        if (/^MQ_.*QUEUE$/.test(key) && !names.has(value)) {
          problems.push(`${where}: ${key}=${value} is not defined in ${MQSC_FILE}`);
        }
      }
    }
    const mq = Object.entries(ctx.compose.services).find(([, s]) =>
      (s.image ?? '').includes('ibm-messaging/mq'),
    );
    const mounted = mq && volumesOf(mq[1]).some((v) => v.source?.replace(/^\.\//, '') === MQSC_FILE);
    if (!mounted) problems.push(`the MQ service does not mount ${MQSC_FILE} (into /etc/mqm/)`);
    return problems;
  },
};
