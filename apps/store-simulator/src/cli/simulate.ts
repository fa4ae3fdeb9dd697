/**
 * CLI mode: `nx run @eda/store-simulator:simulate --count 1000 --seed 42`.
 * Sends N transactions through the same service, publisher and generator as
 * the HTTP API, prints a progress line a second and a summary, and exits 0
 * when every transaction was acknowledged (1 otherwise, 2 on bad arguments).
 */
import 'reflect-metadata';
import { startTelemetry } from '@eda/app-runtime';
import { parseSimulateArguments, SimulateArgumentsError, USAGE } from './simulate-arguments';

async function main(argv: readonly string[]): Promise<number> {
  let request;
  try {
    request = parseSimulateArguments(argv);
  } catch (err) {
    if (!(err instanceof SimulateArgumentsError)) throw err;
    console.error(`simulate: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (!request) {
    console.log(USAGE);
    return 0;
  }
  // Progress lines are the CLI's output; the JSON log carries only problems unless asked for more.
  process.env['LOG_LEVEL'] ??= 'warn';
  const telemetry = await startTelemetry({ serviceName: 'store-simulator' });
  const [{ NestFactory }, { Logger }, { AppModule }, { SimulationsService }] = await Promise.all([
    import('@nestjs/core'),
    import('nestjs-pino'),
    import('../app.module'),
    import('../simulations/simulations.service'),
  ]);
  const app = await NestFactory.createApplicationContext(AppModule, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  const run = app.get(SimulationsService).start(request);
  const started = performance.now();
  const progress = setInterval(() => {
    const { sent, failed, count } = run.status();
    const seconds = (performance.now() - started) / 1000;
    console.log(`progress: sent ${sent}/${count} failed ${failed} (${Math.round(sent / seconds)}/s)`);
  }, 1000);
  const interrupt = () => void run.stop();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  await run.done;
  clearInterval(progress);
  const status = run.status();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `summary: state=${status.state} sent=${status.sent} failed=${status.failed} duration=${seconds.toFixed(2)}s ` +
      `rate=${Math.round(status.sent / seconds)}/s seed=${status.seed} ` +
      `${status.backend === 'mq' ? 'queue' : 'topic'}=${status.destination}` +
      (status.error ? ` error="${status.error}"` : ''),
  );
  await app.close();
  await telemetry.shutdown();
  return status.state === 'completed' && status.failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`simulate failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
