/**
 * The bridge must start with exactly the environment docker-compose.yml gives
 * it (`x-eda-apps.mq-bridge`), and must read every variable that block sets.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { mqConnectionConfigFromEnv } from '@eda/mq';
import { bridgeSettingsFromEnv } from './bridge.config';

const compose = parse(readFileSync(join(__dirname, '../../../../docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
  services?: Record<string, { environment?: Record<string, string> }>;
  'x-eda-apps'?: Record<string, { environment?: Record<string, string> }>;
};
/** The service once its Dockerfile landed; the `x-eda-apps` placeholder before. */
const environment =
  compose.services?.['mq-bridge']?.environment ?? compose['x-eda-apps']?.['mq-bridge']?.environment ?? {};

describe('the compose environment of mq-bridge', () => {
  it('validates, with the password read from the mounted secret file', () => {
    const secret = join(mkdtempSync(join(tmpdir(), 'mq-secret-')), 'mqAppPassword');
    writeFileSync(secret, 'dev-password\n');
    const env = { ...environment, MQ_PASSWORD_FILE: secret };
    expect(bridgeSettingsFromEnv(env)).toMatchObject({
      itemsTopic: 'items',
      itemsSubject: 'items-value',
      queue: 'DEV.ITEMS',
      backoutQueue: 'DEV.ITEMS.BACKOUT',
    });
    expect(mqConnectionConfigFromEnv(env, 'mq-bridge')).toMatchObject({
      queueManager: 'QM1',
      connectionName: 'mq(1414)',
      channel: 'DEV.APP.SVRCONN',
      user: 'app',
      password: 'dev-password',
    });
  });

  it('sets only variables the bridge reads', () => {
    const known =
      /^(PORT|KAFKA_BROKERS|SCHEMA_REGISTRY_URL|ITEMS_TOPIC|ITEMS_SUBJECT|MQ_(QMGR|CONN_NAME|CHANNEL|USER|PASSWORD_FILE|QUEUE|BACKOUT_QUEUE)|OTEL_.*)$/;
    expect(Object.keys(environment).filter((name) => !known.test(name))).toEqual([]);
  });
});
