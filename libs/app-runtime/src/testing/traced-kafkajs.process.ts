/**
 * Test-only process: starts telemetry exactly as the apps do
 * (`startTelemetry`, before kafkajs is loaded), then sends one record with
 * kafkajs and consumes it back, shuts the SDK down (which exports the spans
 * over OTLP to `OTEL_EXPORTER_OTLP_ENDPOINT`), and prints the `traceparent`
 * header the consumer saw. A process of its own because the instrumentation
 * patches `require`, which Jest's module registry bypasses.
 */
import { startTelemetry } from '../sdk/telemetry-sdk';

async function main(): Promise<void> {
  const telemetry = await startTelemetry({ serviceName: 'telemetry-kafkajs-probe' });
  const { Kafka, logLevel } = await import('kafkajs');
  const topic = process.env['PROBE_TOPIC'] as string;
  const kafka = new Kafka({
    clientId: 'telemetry-kafkajs-probe',
    brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: process.env['PROBE_GROUP'] as string });
  await Promise.all([producer.connect(), consumer.connect()]);
  await producer.send({ topic, messages: [{ key: 'probe', value: 'traced' }] });
  await consumer.subscribe({ topic, fromBeginning: true });
  const traceparent = await new Promise<string>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => resolve(String(message.headers?.['traceparent'] ?? '')),
    });
  });
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  await telemetry.shutdown();
  process.stdout.write(`${JSON.stringify({ enabled: telemetry.enabled, traceparent })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
