/**
 * Test-only entry point: the real mq-bridge process, started as `main.ts`
 * starts it (`runApp`: telemetry first, SIGTERM handling, exit codes), whose
 * MQ side is the `ibmmq` test double. The double's queue manager lives in
 * this process, so the test that spawned it (`bridge-process.fixture.ts`)
 * puts and browses messages over the IPC channel. Production never runs
 * this file: `main.ts` has no way to select the double.
 */
import 'reflect-metadata';
import { runApp } from '@eda/app-runtime';
import { createFakeIbmMq, FakeQueueManager, putTestMessages } from '@eda/mq/testing';
import type { BridgeSettings } from '../config/bridge.config';
import { FAKE_MQ, type QueueReply, type QueueRequest } from './fake-mq-protocol';

const qmgr = new FakeQueueManager(FAKE_MQ.env.MQ_QMGR, {
  channels: [FAKE_MQ.env.MQ_CHANNEL],
  users: { [FAKE_MQ.env.MQ_USER]: FAKE_MQ.env.MQ_PASSWORD },
})
  .defineQueue(FAKE_MQ.env.MQ_QUEUE, { maxDepth: 100_000 })
  .defineQueue(FAKE_MQ.env.MQ_BACKOUT_QUEUE, { maxDepth: 100_000 });

async function answer(request: QueueRequest): Promise<QueueReply['result']> {
  switch (request.op) {
    case 'put':
      await putTestMessages(qmgr, request.queue, request.bodies, {
        user: FAKE_MQ.env.MQ_USER,
        password: FAKE_MQ.env.MQ_PASSWORD,
      });
      return request.bodies.length;
    case 'browse':
      return qmgr.browse(request.queue).map((m) => ({
        text: m.text,
        backoutCount: m.backoutCount,
        properties: m.properties,
      }));
  }
}

process.on('message', (request: QueueRequest) => {
  answer(request).then(
    (result) => process.send?.({ id: request.id, result } satisfies QueueReply),
    (err: Error) => process.send?.({ id: request.id, error: err.message } satisfies QueueReply),
  );
});

void runApp({
  serviceName: 'mq-bridge',
  serve: async () => (await import('../serve')).serve({ mqDriver: createFakeIbmMq(qmgr) }),
  settings: async (app) =>
    app.get<BridgeSettings>((await import('../config/bridge.config')).bridgeConfig.KEY),
  activity: 'finishing the current MQ batch (commit or back out), then disconnecting from MQ and Kafka',
});
