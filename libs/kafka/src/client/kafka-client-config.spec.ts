import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKafkaConfig, kafkaConfigFromEnv, toKafkaJsConfig } from './kafka-client-config';
import { KafkaConfigError } from './kafka-errors';

function configError(env: NodeJS.ProcessEnv): KafkaConfigError {
  try {
    kafkaConfigFromEnv(env);
  } catch (err) {
    if (err instanceof KafkaConfigError) return err;
    throw err;
  }
  throw new Error('expected a KafkaConfigError');
}

describe('kafkaConfigFromEnv', () => {
  it('defaults to the native stack, no SASL, no TLS', () => {
    const config = kafkaConfigFromEnv({}, 'my-app');
    expect(config).toEqual({
      brokers: ['127.0.0.1:9092'],
      clientId: 'my-app',
      connectionTimeoutMs: 3000,
      requestTimeoutMs: 30000,
      retries: 5,
      library: 'kafkajs',
    });
  });

  it('reads brokers, client id, SCRAM credentials, and keeps secrets out of the description', () => {
    const config = kafkaConfigFromEnv({
      KAFKA_BROKERS: 'b1:9092, b2:9093',
      KAFKA_CLIENT_ID: 'sim-1',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'store-simulator',
      KAFKA_SASL_PASSWORD: 's3cret',
    });
    expect(config.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'store-simulator',
      password: 's3cret',
    });
    expect(toKafkaJsConfig(config)).toMatchObject({
      brokers: ['b1:9092', 'b2:9093'],
      clientId: 'sim-1',
      sasl: config.sasl,
    });
    expect(describeKafkaConfig(config)).toBe(
      'brokers=b1:9092,b2:9093 clientId=sim-1 sasl=scram-sha-512:store-simulator tls=off',
    );
    expect(describeKafkaConfig(config)).not.toContain('s3cret');
  });

  it('turns TLS on with a CA file and reads mutual-TLS files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
    for (const name of ['ca.crt', 'user.crt', 'user.key']) writeFileSync(join(dir, name), `PEM ${name}`);
    const config = kafkaConfigFromEnv({
      KAFKA_TLS_CA_FILE: join(dir, 'ca.crt'),
      KAFKA_TLS_CERT_FILE: join(dir, 'user.crt'),
      KAFKA_TLS_KEY_FILE: join(dir, 'user.key'),
    });
    expect(config.tls).toEqual({
      ca: 'PEM ca.crt',
      cert: 'PEM user.crt',
      key: 'PEM user.key',
      rejectUnauthorized: true,
    });
    expect(toKafkaJsConfig(config).ssl).toEqual(config.tls);
    expect(kafkaConfigFromEnv({ KAFKA_TLS: 'true' }).tls).toEqual({ rejectUnauthorized: true });
  });

  it.each([
    [undefined, 'kafkajs', ''],
    ['', 'kafkajs', ''],
    ['kafkajs', 'kafkajs', ''],
    ['confluent', 'confluent', ' library=confluent'],
    ['platformatic', 'platformatic', ' library=platformatic'],
  ])('reads KAFKA_CLIENT_LIBRARY=%j as %s and names it in the description', (raw, library, suffix) => {
    const config = kafkaConfigFromEnv(raw === undefined ? {} : { KAFKA_CLIENT_LIBRARY: raw }, 'my-app');
    expect(config.library).toBe(library);
    expect(describeKafkaConfig(config)).toBe(
      `brokers=127.0.0.1:9092 clientId=my-app sasl=off tls=off${suffix}`,
    );
  });

  it.each(['rdkafka', 'Platformatic', '@platformatic/kafka', ' platformatic'])(
    'rejects KAFKA_CLIENT_LIBRARY=%j, listing every library it accepts',
    (raw) => {
      const error = configError({ KAFKA_CLIENT_LIBRARY: raw });
      expect(error.variable).toBe('KAFKA_CLIENT_LIBRARY');
      expect(error.message).toBe(
        `KAFKA_CLIENT_LIBRARY must be one of kafkajs, confluent, platformatic, got "${raw}". Fix the environment and restart.`,
      );
    },
  );

  it.each([
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ KAFKA_BROKERS: 'http://b:9092' }, 'KAFKA_BROKERS'],
    [{ KAFKA_CLIENT_ID: 'has space' }, 'KAFKA_CLIENT_ID'],
    [
      { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
      'KAFKA_SASL_MECHANISM',
    ],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_USERNAME'],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD'],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_MECHANISM'],
    [{ KAFKA_TLS: 'yes' }, 'KAFKA_TLS'],
    [{ KAFKA_TLS_CA_FILE: '/nonexistent/ca.crt' }, 'KAFKA_TLS_CA_FILE'],
    [{ KAFKA_TLS_CERT_FILE: __filename }, 'KAFKA_TLS_CERT_FILE'],
    [{ KAFKA_REQUEST_TIMEOUT_MS: '0' }, 'KAFKA_REQUEST_TIMEOUT_MS'],
    [{ KAFKA_RETRIES: '-1' }, 'KAFKA_RETRIES'],
    [{ KAFKA_CLIENT_LIBRARY: 'rdkafka' }, 'KAFKA_CLIENT_LIBRARY'],
  ])('rejects %j naming %s', (env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(variable)).toBe(true);
    expect(error).toMatchObject({ code: 'EDA_KAFKA_CONFIG', retriable: false });
  });
});
