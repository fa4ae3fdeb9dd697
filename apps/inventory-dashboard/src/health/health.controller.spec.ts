/**
 * Liveness follows the consumers' real lifecycle events: a kafkajs CRASH of
 * the main consumer or of the alerts feed turns `/health/live` red (the pod
 * restarts), a rebalance does not; so does the alerting topology in ERROR.
 * Readiness waits for the topology's first RUNNING (tasks restored), stays
 * up through its later rebalances, and waits for the view to catch up.
 */
import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import type { Admin, Consumer } from 'kafkajs';
import { ClientStateProbe, ConsumerProgress, kafkaHealthIndicatorProvider } from '@eda/kafka';
import { dashboardConfig, dashboardSettingsFromEnv } from '../config/dashboard.config';
import { StreamsState } from '@eda/streams';
import { AlertingStreams } from '../alerts/alerting-streams';
import { AlertsFeed } from '../alerts/alerts-feed';
import { DashboardKafka } from '../consumer/dashboard-kafka';
import { HealthController } from './health.controller';

/** A consumer that only emits kafkajs instrumentation events, as the real one does. */
function eventOnlyConsumer() {
  const emitter = new EventEmitter();
  const events = {
    CONNECT: 'consumer.connect',
    GROUP_JOIN: 'consumer.group_join',
    REBALANCING: 'consumer.rebalancing',
    STOP: 'consumer.stop',
    DISCONNECT: 'consumer.disconnect',
    CRASH: 'consumer.crash',
  };
  const consumer = {
    events,
    on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener),
  } as unknown as Consumer;
  return { consumer, emit: (event: string, payload: object = {}) => emitter.emit(event, { payload }) };
}

describe('HealthController', () => {
  let app: INestApplication;
  let base: string;
  const { consumer, emit } = eventOnlyConsumer();
  const progress = new ConsumerProgress();
  const kafka = {
    consumerState: ClientStateProbe.forConsumer(consumer),
    producerState: new ClientStateProbe(),
    admin: {
      connect: async () => undefined,
      describeCluster: async () => ({ clusterId: 'c', brokers: [{}], controller: 1 }),
    } as unknown as Admin,
    progress,
  };

  const feed = eventOnlyConsumer();
  const alerting = {
    state: StreamsState.CREATED,
    hasRun: false,
    describe() {
      return {
        state: this.state,
        ...(this.state === StreamsState.ERROR ? { error: 'fenced for good' } : {}),
      };
    },
  };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        kafkaHealthIndicatorProvider(HealthIndicatorService),
        { provide: DashboardKafka, useValue: kafka },
        { provide: AlertingStreams, useValue: alerting },
        { provide: AlertsFeed, useValue: { state: ClientStateProbe.forConsumer(feed.consumer) } },
        { provide: dashboardConfig.KEY, useValue: dashboardSettingsFromEnv({}) },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  });
  afterAll(() => app.close());

  type Body = { error?: Record<string, { state?: string; message?: string }> };
  const probe = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as Body };
  };

  it('is ready once the alerting topology first runs, stays ready through its rebalances, and not in ERROR', async () => {
    emit(consumer.events.GROUP_JOIN);
    feed.emit(consumer.events.GROUP_JOIN);
    alerting.state = StreamsState.REBALANCING; // joining, restoring
    expect((await probe('/health/ready')).body.error?.['alerting']?.state).toBe('REBALANCING');
    expect((await probe('/health/live')).status).toBe(200);

    alerting.state = StreamsState.RUNNING;
    alerting.hasRun = true;
    expect((await probe('/health/ready')).body.error?.['alerting']).toBeUndefined();
    alerting.state = StreamsState.REBALANCING; // a replica scaled up or down
    expect((await probe('/health/ready')).body.error?.['alerting']).toBeUndefined();

    alerting.state = StreamsState.ERROR;
    const live = await probe('/health/live');
    expect(live.status).toBe(503);
    expect(live.body.error?.['alerting']).toMatchObject({ state: 'ERROR' });
    expect((await probe('/health/ready')).body.error?.['alerting']?.state).toBe('ERROR');
    alerting.state = StreamsState.RUNNING;
  });

  it('turns liveness red when the alerts feed crashes', async () => {
    feed.emit(consumer.events.CRASH, { error: new Error('Not authorized to access group'), restart: false });
    const live = await probe('/health/live');
    expect(live.status).toBe(503);
    expect(live.body.error?.['alerts']).toMatchObject({
      state: 'crashed',
      message: 'Not authorized to access group',
    });
    feed.emit(consumer.events.GROUP_JOIN); // kafkajs restarted it and it joined again
    expect((await probe('/health/live')).status).toBe(200);
  });

  it('stays live through a rebalance and turns red when the consumer crashes', async () => {
    emit(consumer.events.GROUP_JOIN);
    emit(consumer.events.REBALANCING);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    emit(consumer.events.CRASH, {
      error: new Error('The group coordinator is not available'),
      restart: false,
    });
    const response = await fetch(`${base}/health/live`);
    expect(response.status).toBe(503);
    expect(JSON.stringify(await response.json())).toContain('The group coordinator is not available');
  });

  it('is not ready while the view replays', async () => {
    await progress.start(
      {
        fetchTopicOffsets: async () => [{ partition: 0, low: '0', high: '5', offset: '5' }],
      } as unknown as Admin,
      ['t'],
    );
    const body = (await (await fetch(`${base}/health/ready`)).json()) as {
      error: Record<string, { message?: string }>;
    };
    expect(body.error['view']?.message).toBe('replaying the input topics');
  });
});
