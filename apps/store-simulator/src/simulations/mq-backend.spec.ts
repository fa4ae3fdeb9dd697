/**
 * `backend: "mq"` over HTTP with the real module wiring (PublishingModule's
 * choice of backends from the `mq` namespace): 501 naming the variables when
 * MQ is not configured, 202 and the transactions on the queue when it is.
 * The Kafka publisher is replaced by an in-memory one, so nothing here needs a broker.
 */
import 'reflect-metadata';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { createFakeIbmMq, FakeQueueManager } from '@eda/mq/testing';
import { mqConfig, mqSettingsFromEnv } from '../config/mq.config';
import { kafkaConfig, registryConfig, simulatorConfig } from '../config/simulator.config';
import { requestValidationPipe } from '../http/request-validation';
import { KafkaTransactionPublisher } from '../publishing/kafka-transaction-publisher';
import { MQ_DRIVER } from '../publishing/mq-transaction-publisher';
import { scenarioTransactions } from '../scenario/store-scenario';
import { RecordingPublisher } from './recording-publisher.spec-support';
import { SimulationsModule } from './simulations.module';

class FakeDriverModule {}

describe('backend "mq" over HTTP', () => {
  let app: INestApplication | undefined;
  let qmgr: FakeQueueManager;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(env: NodeJS.ProcessEnv): Promise<string> {
    qmgr = new FakeQueueManager('QM1').defineQueue('DEV.ITEMS');
    const driver: DynamicModule = {
      module: FakeDriverModule,
      global: true,
      providers: [{ provide: MQ_DRIVER, useValue: createFakeIbmMq(qmgr) }],
      exports: [MQ_DRIVER],
    };
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [simulatorConfig, kafkaConfig, registryConfig, mqConfig],
        }),
        driver,
        SimulationsModule,
      ],
    })
      .overrideProvider(KafkaTransactionPublisher)
      .useValue(new RecordingPublisher())
      .overrideProvider(mqConfig.KEY)
      .useValue(mqSettingsFromEnv(env))
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(requestValidationPipe());
    await app.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${app.getHttpServer().address().port}/api/simulations`;
  }

  const post = (base: string, body: unknown) =>
    fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers 501 naming the variables to set when MQ is not configured', async () => {
    const base = await start({});
    const response = await post(base, { backend: 'mq', count: 5 });
    expect(response.status).toBe(501);
    const { message } = (await response.json()) as { message: string };
    expect(message).toContain('MQ_QMGR, MQ_CONN_NAME and MQ_CHANNEL');
    expect(qmgr.depth('DEV.ITEMS')).toBe(0);
  });

  it('answers 202 when MQ is configured, and the run puts its seeded transactions on MQ_QUEUE', async () => {
    const base = await start({ MQ_QMGR: 'QM1', MQ_CONN_NAME: 'mq(1414)', MQ_CHANNEL: 'DEV.APP.SVRCONN' });
    const response = await post(base, { backend: 'mq', count: 25, seed: 3, stores: 2, skus: 4 });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 100 && status['state'] !== 'completed'; i++) {
      status = (await (await fetch(`${base}/${id}`)).json()) as Record<string, unknown>;
      if (status['state'] !== 'completed') await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toMatchObject({ state: 'completed', backend: 'mq', destination: 'DEV.ITEMS', sent: 25 });
    expect(qmgr.browse('DEV.ITEMS').map((m) => JSON.parse(m.text))).toEqual(
      scenarioTransactions(
        { seed: 3, stores: 2, skus: 4, startTime: Date.parse(String(status['startTime'])) },
        25,
      ),
    );
  });
});
