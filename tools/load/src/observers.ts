/**
 * The three readers of a load run:
 *
 * - {@link tapItems}: every produced event's store and event time, read back
 *   from the `items` topic (the Avro `timestamp` field, which the simulator
 *   stamps; not the Kafka record time, which is later);
 * - {@link followPage}: the dashboard's server-sent events, as the page gets
 *   them (`store` events carry the store's `updatedAt`), timed on arrival;
 * - {@link pollQueries}: the aggregator's `GET /api/stores/:id/inventory`,
 *   asked for every store every `intervalMs`. A poll can only bound when a
 *   change became visible, so these latencies are upper bounds, at most one
 *   interval plus one request above the truth.
 */
import * as avro from 'avsc';
import type { Kafka } from 'kafkajs';
import { HEADER_SIZE, inventorySchemas } from '@eda/events';

/** Stops a reader; resolves once it has. */
export type StopReader = () => Promise<void>;

/** Reads every event of `topic` from the beginning and hands its store and event time on. */
export async function tapItems(
  kafka: Kafka,
  topic: string,
  groupId: string,
  onEvent: (storeId: string, eventTime: number) => void,
): Promise<StopReader> {
  const type = avro.Type.forSchema(inventorySchemas.ItemTransaction) as avro.Type;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (!message.value) continue;
        const tx = type.fromBuffer(message.value.subarray(HEADER_SIZE)) as {
          storeId: string;
          timestamp: number;
        };
        onEvent(tx.storeId, Number(tx.timestamp));
      }
    },
  });
  return () => consumer.disconnect();
}

/** Opens the dashboard's event stream and reports each `store` event's `updatedAt` on arrival. */
export async function followPage(
  dashboardUrl: string,
  onStore: (storeId: string, updatedAt: number, at: number) => void,
): Promise<StopReader> {
  const abort = new AbortController();
  const response = await fetch(`${dashboardUrl}/api/events`, {
    signal: abort.signal,
    headers: { accept: 'text/event-stream' },
  });
  if (!response.ok || !response.body)
    throw new Error(`GET ${dashboardUrl}/api/events answered ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    let buffer = '';
    for (;;) {
      const chunk = await reader.read().catch(() => undefined);
      if (!chunk || chunk.done) return;
      const at = Date.now();
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: ?(.*)$/m.exec(frame)?.[1];
        if (event !== 'store') continue;
        const data = frame
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        const change = JSON.parse(data) as { storeId: string; store: { updatedAt: number } | null };
        if (change.store) onStore(change.storeId, Number(change.store.updatedAt), at);
      }
    }
  })();
  return async () => {
    abort.abort();
    await done;
  };
}

/** Polls each store's inventory every `intervalMs`, one request in flight per store. */
export function pollQueries(
  aggregatorUrl: string,
  storeIds: readonly string[],
  intervalMs: number,
  onStore: (storeId: string, updatedAt: number, at: number) => void,
): StopReader {
  let stopped = false;
  const loops = storeIds.map(async (storeId) => {
    const url = `${aggregatorUrl}/api/stores/${encodeURIComponent(storeId)}/inventory`;
    while (!stopped) {
      const started = Date.now();
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        if (response.ok) {
          const body = (await response.json()) as { updatedAt: string };
          onStore(storeId, Date.parse(body.updatedAt), Date.now());
        } else await response.arrayBuffer();
      } catch {
        // the next poll tries again; a run whose queries never answer reports unseen events
      }
      const wait = intervalMs - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  });
  return async () => {
    stopped = true;
    await Promise.all(loops);
  };
}
