/**
 * Creates and starts the HTTP application. `main.ts` calls it after the
 * telemetry SDK has started; tests call it with a port of their choosing.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { aggregatorConfig, type AggregatorSettings } from './config/aggregator.config';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Overrides `PORT`. */
  readonly port?: number;
}

/** Builds the app, routes Nest's logs through pino, and listens; the topology starts in the background. */
export async function serve(options: ServeOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  const settings = app.get<AggregatorSettings>(aggregatorConfig.KEY);
  await app.listen(options.port ?? settings.port, settings.host);
  return app;
}
