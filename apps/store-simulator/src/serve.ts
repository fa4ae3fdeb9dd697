/**
 * Creates and starts the HTTP application. `main.ts` calls it after the
 * telemetry SDK has started; tests call it with `port: 0`.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { IbmMqDriver } from '@eda/mq';
import { AppModule } from './app.module';
import { simulatorConfig, type SimulatorSettings } from './config/simulator.config';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Overrides `PORT` (0 picks a free port). */
  readonly port?: number;
  /**
   * The `ibmmq` module of the `mq` backend. Tests pass the `@eda/mq/testing`
   * double; left out, the real `ibmmq` is loaded on the first `mq` simulation.
   * Deliberately not an environment variable, so no deployment can switch to the double.
   */
  readonly mqDriver?: IbmMqDriver;
}

/** Builds the app, routes Nest's logs through pino, and listens. */
export async function serve(options: ServeOptions = {}): Promise<INestApplication> {
  const root = options.mqDriver ? AppModule.withMqDriver(options.mqDriver) : AppModule;
  const app = await NestFactory.create(root, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  const settings = app.get<SimulatorSettings>(simulatorConfig.KEY);
  await app.listen(options.port ?? settings.port, settings.host);
  return app;
}
