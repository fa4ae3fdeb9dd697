/**
 * Creates and starts the dashboard: the HTTP side (page, SSE, health,
 * metrics) and the Kafka transport (the `@EventPattern` handlers) as one
 * hybrid Nest application. `main.ts` calls it after the telemetry SDK has
 * started; tests call it with `port: 0`.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { dashboardConfig, type DashboardSettings } from './config/dashboard.config';
import { DashboardKafka } from './consumer/dashboard-kafka';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Overrides `PORT` (0 picks a free port). */
  readonly port?: number;
  /** Resolve only once the view has replayed the input topics (tests). Default false. */
  readonly waitUntilCaughtUp?: boolean;
}

/** Builds the app, routes Nest's logs through pino, listens, and starts consuming. */
export async function serve(options: ServeOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  const settings = app.get<DashboardSettings>(dashboardConfig.KEY);
  const kafka = app.get(DashboardKafka);
  app.connectMicroservice(kafka.transport(), { inheritAppConfig: true });
  try {
    await app.listen(options.port ?? settings.port, settings.host);
    await app.startAllMicroservices();
    if (options.waitUntilCaughtUp) await kafka.progress.caughtUp();
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}
