/**
 * Creates and starts the bridge: the HTTP side (health, metrics) and the MQ
 * transport (`ServerMQ`, whose handler produces to Kafka) as one hybrid Nest
 * application. `main.ts` calls it after the telemetry SDK has started; tests
 * call it with `port: 0` and the `ibmmq` test double.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { IbmMqDriver } from '@eda/mq';
import { AppModule } from './app.module';
import { MqBridgeTransport } from './bridge/mq-bridge-transport';
import { bridgeConfig, type BridgeSettings } from './config/bridge.config';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Overrides `PORT` (0 picks a free port). */
  readonly port?: number;
  /**
   * The MQ driver. Tests pass the `@eda/mq/testing` double; left out, the
   * real `ibmmq` is loaded. Deliberately not an environment variable, so no
   * deployment can switch to the double.
   */
  readonly mqDriver?: IbmMqDriver;
}

/** Builds the app, routes Nest's logs through pino, listens, and starts bridging. */
export async function serve(options: ServeOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  const settings = app.get<BridgeSettings>(bridgeConfig.KEY);
  const transport = app.get(MqBridgeTransport);
  app.connectMicroservice({ strategy: transport.createServer(options.mqDriver) }, { inheritAppConfig: true });
  try {
    await app.listen(options.port ?? settings.port, settings.host);
    await app.startAllMicroservices();
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}
