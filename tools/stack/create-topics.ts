/**
 * Creates (or reconciles) the topics declared as Strimzi KafkaTopic files in
 * gitops/, against any Kafka: the native stack runs it after start-up, and so
 * does the compose init service.
 *
 *   tsx tools/stack/create-topics.ts [--bootstrap host:port] [--dir path]
 *
 * Env: KAFKA_BROKERS (comma-separated) when --bootstrap is not given;
 * KAFKA_SASL_* (`@eda/kafka`'s kafkaConfigFromEnv) on a secured cluster.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaConfigFromEnv, toKafkaJsConfig } from '@eda/kafka';
import { loadTopicCatalog, reconcileTopics, TOPIC_CATALOG_DIR } from '@eda/kafka/topics';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bootstrap: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const brokers = (values.bootstrap ?? process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const dir = values.dir ?? join(__dirname, '../..', TOPIC_CATALOG_DIR);
  const catalog = loadTopicCatalog(dir);

  const { sasl } = toKafkaJsConfig(kafkaConfigFromEnv({ ...process.env, KAFKA_BROKERS: brokers.join(',') }));
  const admin = new Kafka({
    clientId: 'eda-create-topics',
    brokers,
    logLevel: logLevel.NOTHING,
    ...(sasl ? { sasl } : {}),
  }).admin();
  await admin.connect();
  try {
    const results = await reconcileTopics(admin, catalog);
    for (const r of results) {
      const detail = r.changes.length > 0 ? `  (${r.changes.join(', ')})` : '';
      process.stdout.write(
        `topics: ${r.action.padEnd(9)} ${r.topic.padEnd(24)} partitions=${r.partitions} replicas=${r.replicas}${detail}\n`,
      );
    }
  } finally {
    await admin.disconnect();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`topics: error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
