import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMqConnection, mqConnectionConfigFromEnv } from './mq-connection-config';

const BASE = { MQ_QMGR: 'QM1', MQ_CONN_NAME: 'mq(1414)', MQ_CHANNEL: 'DEV.APP.SVRCONN' };

describe('MQ connection settings', () => {
  it('reads the compose settings, the password from its file without the trailing newline', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mq-')), 'password');
    writeFileSync(file, 'passw0rd\n');
    const config = mqConnectionConfigFromEnv(
      { ...BASE, MQ_USER: 'app', MQ_PASSWORD_FILE: file },
      'mq-bridge',
    );
    expect(config).toEqual({
      queueManager: 'QM1',
      connectionName: 'mq(1414)',
      channel: 'DEV.APP.SVRCONN',
      user: 'app',
      password: 'passw0rd',
      applicationName: 'mq-bridge',
    });
    expect(describeMqConnection(config)).not.toContain('passw0rd');
  });

  it.each([
    [{ MQ_QMGR: '' }, 'MQ_QMGR'],
    [{ MQ_CONN_NAME: 'mq:1414' }, 'MQ_CONN_NAME'],
    [{ MQ_CHANNEL: 'A.CHANNEL.NAME.TOO.LONG.FOR.MQ' }, 'MQ_CHANNEL'],
    [{ MQ_PASSWORD: 'x' }, 'MQ_USER'],
    [{ MQ_PASSWORD_FILE: '/nonexistent/secret', MQ_USER: 'app' }, 'MQ_PASSWORD_FILE'],
    [{ MQ_KEY_REPOSITORY: '/keys/key' }, 'MQ_CIPHER_SPEC'],
  ])('names the variable at fault (%j)', (override, variable) => {
    expect(() => mqConnectionConfigFromEnv({ ...BASE, ...override })).toThrow(
      expect.objectContaining({
        variable,
        retriable: false,
        message: expect.stringMatching(new RegExp(`^${variable} `)),
      }),
    );
  });

  it('accepts a multi-instance connection list and TLS', () => {
    const config = mqConnectionConfigFromEnv({
      ...BASE,
      MQ_CONN_NAME: 'a(1414), b(1414)',
      MQ_CIPHER_SPEC: 'ANY_TLS13_OR_HIGHER',
      MQ_KEY_REPOSITORY: '/k/key',
    });
    expect(config).toMatchObject({
      connectionName: 'a(1414),b(1414)',
      cipherSpec: 'ANY_TLS13_OR_HIGHER',
      keyRepository: '/k/key',
    });
  });
});
