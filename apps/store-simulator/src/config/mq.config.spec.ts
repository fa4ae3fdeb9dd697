import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqConfigError } from '@eda/mq';
import { mqSettingsFromEnv } from './mq.config';

const MQ = { MQ_QMGR: 'QM1', MQ_CONN_NAME: 'mq(1414)', MQ_CHANNEL: 'DEV.APP.SVRCONN' };

describe('mq configuration', () => {
  it('is off when neither MQ_QMGR nor MQ_CONN_NAME is set, whatever else is', () => {
    expect(mqSettingsFromEnv({})).toEqual({ enabled: false });
    expect(mqSettingsFromEnv({ MQ_QMGR: ' ', MQ_CHANNEL: 'DEV.APP.SVRCONN', MQ_QUEUE: 'X' })).toEqual({
      enabled: false,
    });
  });

  it("is on with MQ_QMGR, through @eda/mq's parser (the bridge's names), with the bridge's input queue by default", () => {
    expect(mqSettingsFromEnv({ ...MQ, MQ_USER: 'app', MQ_PASSWORD: 'passw0rd' })).toEqual({
      enabled: true,
      queue: 'DEV.ITEMS',
      connection: {
        queueManager: 'QM1',
        connectionName: 'mq(1414)',
        channel: 'DEV.APP.SVRCONN',
        user: 'app',
        password: 'passw0rd',
        applicationName: 'store-simulator',
      },
    });
  });

  it('reads the password from MQ_PASSWORD_FILE (a mounted secret) before MQ_PASSWORD, and TLS settings', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-mq-')), 'password');
    writeFileSync(file, 's3cret\n');
    const settings = mqSettingsFromEnv({
      ...MQ,
      MQ_USER: 'app',
      MQ_PASSWORD: 'ignored',
      MQ_PASSWORD_FILE: file,
      MQ_CIPHER_SPEC: 'ANY_TLS13_OR_HIGHER',
      MQ_KEY_REPOSITORY: '/etc/mqm/keys/key',
      MQ_QUEUE: 'SIM.ITEMS',
    });
    expect(settings).toMatchObject({
      enabled: true,
      queue: 'SIM.ITEMS',
      connection: {
        password: 's3cret',
        cipherSpec: 'ANY_TLS13_OR_HIGHER',
        keyRepository: '/etc/mqm/keys/key',
      },
    });
  });

  it.each([
    [{ MQ_CONN_NAME: 'mq(1414)' }, /^MQ_QMGR is required/],
    [{ MQ_QMGR: 'QM1' }, /^MQ_CONN_NAME is required/],
    [{ MQ_QMGR: 'QM1', MQ_CONN_NAME: 'mq(1414)' }, /^MQ_CHANNEL is required/],
    [{ ...MQ, MQ_CONN_NAME: 'mq:1414' }, /^MQ_CONN_NAME must be host\(port\)/],
    [{ ...MQ, MQ_PASSWORD: 'x' }, /^MQ_USER is required when a password/],
    [{ ...MQ, MQ_KEY_REPOSITORY: '/k' }, /^MQ_CIPHER_SPEC is required/],
    [{ ...MQ, MQ_PASSWORD_FILE: '/nonexistent/pw', MQ_USER: 'app' }, /^MQ_PASSWORD_FILE points at/],
    [{ ...MQ, MQ_QUEUE: 'no spaces allowed' }, /^MQ_QUEUE must be an MQ queue name/],
  ])('fails at start-up naming the variable: %j', (env, message) => {
    expect(() => mqSettingsFromEnv(env)).toThrow(MqConfigError);
    expect(() => mqSettingsFromEnv(env)).toThrow(message);
  });
});
