/**
 * Loads Confluent's client, `@confluentinc/kafka-javascript` (librdkafka
 * under a KafkaJS-shaped API), lazily and only when `KAFKA_CLIENT_LIBRARY`
 * asks for it. It is not a dependency of the workspace: its install compiles
 * librdkafka (prebuilt binaries come from GitHub, which these machines cannot
 * reach), so `tools/kafka/install-confluent-client.sh` builds it once into a
 * cache directory, and the default kafkajs path never pays for it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KafkaClientError } from '../kafka-errors';

/** The version `tools/kafka/install-confluent-client.sh` builds; the loader looks for this one. */
export const CONFLUENT_CLIENT_VERSION = '1.10.1';

const PACKAGE = '@confluentinc/kafka-javascript';

/** The client library asked for cannot be loaded. Not retriable: install it, or use kafkajs. */
export class KafkaClientLibraryUnavailableError extends KafkaClientError {
  constructor(detail: string, cause?: unknown) {
    super(
      'EDA_KAFKA_LIBRARY_UNAVAILABLE',
      `KAFKA_CLIENT_LIBRARY=confluent needs ${PACKAGE}@${CONFLUENT_CLIENT_VERSION}: ${detail}. ` +
        'Run `bash tools/kafka/install-confluent-client.sh` (it builds librdkafka once), ' +
        'or unset KAFKA_CLIENT_LIBRARY to use kafkajs.',
      { cause },
    );
  }
}

/**
 * The directory the install script builds into. `EDA_CONFLUENT_CLIENT_DIR`
 * overrides it; the default sits beside the other caches of this repo and
 * names the Node ABI, because the addon loads only in the Node it was built for.
 */
export function confluentClientDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['EDA_CONFLUENT_CLIENT_DIR'] ||
    join(
      env['XDG_CACHE_HOME'] || join(homedir(), '.cache'),
      'eda-confluent',
      `${CONFLUENT_CLIENT_VERSION}-abi${process.versions.modules}`,
    )
  );
}

/** The module's `KafkaJS` namespace, typed loosely: the facade in confluent-kafka.ts owns the shapes. */
export interface ConfluentKafkaJsModule {
  readonly Kafka: new (config: Record<string, unknown>) => ConfluentKafkaInstance;
}

/** What the facade uses of Confluent's `KafkaJS.Kafka`. */
export interface ConfluentKafkaInstance {
  producer(config: Record<string, unknown>): Record<string, unknown>;
  consumer(config: Record<string, unknown>): Record<string, unknown>;
  admin(config?: Record<string, unknown>): Record<string, unknown>;
}

let cached: ConfluentKafkaJsModule | undefined;

/**
 * Resolves the package from the workspace first (for projects that add it
 * as a dependency), then from {@link confluentClientDir}.
 */
export function loadConfluentKafkaJs(env: NodeJS.ProcessEnv = process.env): ConfluentKafkaJsModule {
  if (cached) return cached;
  const dir = confluentClientDir(env);
  const candidates = [__filename, join(dir, 'package.json')];
  let lastError: unknown;
  for (const from of candidates) {
    try {
      const loaded = createRequire(from)(PACKAGE) as { KafkaJS?: ConfluentKafkaJsModule };
      if (!loaded.KafkaJS) throw new Error(`${PACKAGE} has no KafkaJS export`);
      cached = loaded.KafkaJS;
      return cached;
    } catch (err) {
      lastError = err;
    }
  }
  const where = existsSync(join(dir, 'node_modules', PACKAGE))
    ? `it is in ${dir} but failed to load (${(lastError as Error).message})`
    : `it is neither in node_modules nor in ${dir}`;
  throw new KafkaClientLibraryUnavailableError(where, lastError);
}
