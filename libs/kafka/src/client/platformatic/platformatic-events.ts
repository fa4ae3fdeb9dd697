/**
 * @platformatic/kafka writes no log lines: it emits events on each client
 * (and mirrors them to the `debug` module, silent unless DEBUG is set). The
 * ones an operator would look for in kafkajs's log, a broker connection
 * failing, a heartbeat failing or stalling, the group being joined, left or
 * rebalanced, go to the app's {@link KafkaLogSink} here, at the level
 * kafkajs would log them.
 */
import type { KafkaLogSink } from '../kafka-log-sink';

type Level = keyof KafkaLogSink;

/** The subset of @platformatic/kafka's client event emitter this module uses. */
export interface PlatformaticEventSource {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Event, level and message. Connects and disconnects are debug: they happen on every metadata refresh. */
const ROUTED: ReadonlyArray<readonly [string, Level, string]> = [
  ['client:broker:failed', 'warn', 'a broker connection failed; the client retries'],
  ['client:broker:connect', 'debug', 'connected to a broker'],
  ['client:broker:disconnect', 'debug', 'disconnected from a broker'],
  ['consumer:heartbeat:error', 'warn', 'a group heartbeat failed'],
  ['consumer:heartbeat:stalled', 'warn', 'group heartbeats have stalled'],
  ['consumer:group:join', 'info', 'joined the consumer group'],
  ['consumer:group:leave', 'info', 'left the consumer group'],
  ['consumer:group:rebalance', 'info', 'the consumer group is rebalancing'],
];

/** Forwards `client`'s routed events to `sink` (nothing without one). */
export function routePlatformaticEvents(
  client: PlatformaticEventSource,
  role: 'producer' | 'consumer' | 'admin',
  sink: KafkaLogSink | undefined,
): void {
  if (!sink) return;
  for (const [event, level, message] of ROUTED) {
    if (event.startsWith('consumer:') && role !== 'consumer') continue;
    client.on(event, (payload?: unknown) => sink[level](fieldsOf(event, role, payload), message));
  }
}

function fieldsOf(event: string, role: string, payload: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = { library: 'platformatic', role, event };
  if (payload && typeof payload === 'object') {
    const { broker, error, lastError, groupId, memberId, generationId } = payload as Record<string, unknown>;
    if (broker && typeof broker === 'object') {
      const { host, port } = broker as { host?: string; port?: number };
      fields['broker'] = `${host}:${port}`;
    }
    const cause = error ?? lastError;
    if (cause !== undefined) fields['error'] = cause instanceof Error ? cause.message : String(cause);
    Object.assign(
      fields,
      Object.fromEntries(
        Object.entries({ groupId, memberId, generationId }).filter(([, v]) => v !== undefined),
      ),
    );
  }
  return { kafka: fields };
}
