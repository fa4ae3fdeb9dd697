/**
 * The CLI and the server as processes, the way an operator runs them:
 * `simulate` sends N and exits with a summary; the server exits 0 on SIGTERM
 * after stopping its simulations and flushing the producer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { KafkaTestContext, waitFor } from '@eda/testing';
import { scenarioTransactions } from '../scenario/store-scenario';
import { consumeTransactions, registerItemsSchema } from '../testing/items-topic.fixture';

const workspaceRoot = join(__dirname, '../../../..');
const appRoot = join(workspaceRoot, 'apps/store-simulator');

/** Runs a TypeScript entry point the way the Nx targets do. */
function launch(
  entry: string,
  args: string[],
  env: Record<string, string>,
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(appRoot, entry), ...args], {
    cwd: workspaceRoot,
    env: { ...process.env, SWC_NODE_PROJECT: join(appRoot, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/** A stand-in OTLP/HTTP collector: accepts every export and remembers `METHOD path`. */
async function startCollector(): Promise<{ url: string; requests: string[]; close: () => void }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    request.resume().on('end', () => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => server.close() };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('store-simulator processes', () => {
  const context = new KafkaTestContext('store-simulator-cli');
  afterAll(() => context.close());

  it('simulate --count N --seed S sends N, prints progress and a summary, and exits 0', async () => {
    const topic = await context.createTopic('items-cli', { partitions: 3 });
    await registerItemsSchema(topic);
    const cli = launch('src/cli/simulate.ts', ['--count', '1500', '--seed', '11', '--rate', '1000'], {
      ITEMS_TOPIC: topic,
    });
    expect(await exitCode(cli)).toBe(0);
    expect(cli.output()).toMatch(/^progress: sent \d+\/1500 failed 0 /m);
    expect(cli.output()).toMatch(
      new RegExp(
        `^summary: state=completed sent=1500 failed=0 duration=\\d+\\.\\d+s rate=\\d+/s seed=11 topic=${topic.replace(/\./g, '\\.')}$`,
        'm',
      ),
    );
    const records = await consumeTransactions(context.kafka, topic, 1500);
    const expected = new Set(scenarioTransactions({ seed: 11, stores: 5, skus: 20 }, 1500).map((t) => t.id));
    expect(new Set(records.map((r) => r.value.id))).toEqual(expected);
  });

  it('with an OTLP endpoint set, exports spans and carries W3C trace context in every record', async () => {
    const collector = await startCollector();
    try {
      const topic = await context.createTopic('items-traced');
      await registerItemsSchema(topic);
      const cli = launch('src/cli/simulate.ts', ['--count', '50', '--seed', '5'], {
        ITEMS_TOPIC: topic,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      });
      expect(await exitCode(cli)).toBe(0);
      expect(collector.requests).toContain('POST /v1/traces');
      const records = await consumeTransactions(context.kafka, topic, 50);
      for (const record of records) {
        expect(record.headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      }
    } finally {
      collector.close();
    }
  });

  it('simulate rejects a bad argument with exit code 2, naming it', async () => {
    const cli = launch('src/cli/simulate.ts', ['--count', '0'], {});
    expect(await exitCode(cli)).toBe(2);
    expect(cli.output()).toContain('simulate: count must not be less than 1');
  });

  it('the server stops its simulations, flushes and exits 0 on SIGTERM', async () => {
    const topic = await context.createTopic('items-sigterm');
    await registerItemsSchema(topic);
    const collector = await startCollector();
    const server = launch('src/main.ts', [], {
      ITEMS_TOPIC: topic,
      PORT: '0',
      HOST: '127.0.0.1',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    });
    const exited = exitCode(server);
    const url = await waitFor(
      'the listening line',
      () => /listening on (http:\/\/\S+) /.exec(server.output())?.[1],
      30_000,
    );
    await waitFor('readiness', async () => ((await fetch(`${url}/health/ready`)).ok ? true : undefined));
    const started = await fetch(`${url}/api/simulations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ backend: 'kafka', ratePerSec: 500, seed: 3 }),
    });
    expect(started.status).toBe(202);
    // Stop it mid-run, once something was sent (a fixed sleep failed on a loaded machine).
    const { id } = (await started.json()) as { id: string };
    await waitFor('the first acknowledged batch', async () => {
      const status = (await (await fetch(`${url}/api/simulations/${id}`)).json()) as { sent: number };
      return status.sent > 0 ? true : undefined;
    });
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    const finished = /"msg":"simulation finished".*?"state":"stopped".*?"sent":(\d+)/.exec(server.output());
    expect(finished).not.toBeNull();
    // Everything the simulation counted as sent was acknowledged, so it is in the topic.
    const sent = Number(finished![1]);
    expect(sent).toBeGreaterThan(0);
    expect(await consumeTransactions(context.kafka, topic, sent)).toHaveLength(sent);
    // The request log line of the POST carries the trace of its server span.
    expect(server.output()).toMatch(
      /"req":\{[^\n]*"method":"POST"[^\n]*"trace_id":"[0-9a-f]{32}","span_id":"[0-9a-f]{16}"/,
    );
    collector.close();
  });
});
