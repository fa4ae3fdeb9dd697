/**
 * IBM MQ client connection settings, read once from the environment and
 * validated, so a typo fails at start-up with the variable named.
 *
 * | variable            | default            | meaning                                                          |
 * |---------------------|--------------------|------------------------------------------------------------------|
 * | `MQ_QMGR`           | required           | queue manager name, e.g. `QM1`                                   |
 * | `MQ_CONN_NAME`      | required           | `host(port)`, comma-separated for multi-instance, e.g. `mq(1414)` |
 * | `MQ_CHANNEL`        | required           | server-connection channel, e.g. `DEV.APP.SVRCONN`                |
 * | `MQ_USER`           | unset              | user id sent in the MQCSP                                        |
 * | `MQ_PASSWORD_FILE`  | unset              | file holding the password (a mounted secret); wins over the next |
 * | `MQ_PASSWORD`       | unset              | the password itself (local development)                          |
 * | `MQ_CIPHER_SPEC`    | unset (no TLS)     | channel `SSLCIPH`, e.g. `ANY_TLS13_OR_HIGHER`                    |
 * | `MQ_KEY_REPOSITORY` | unset              | key repository stem (without `.kdb`), required with a cipher     |
 * | `MQ_APPL_NAME`      | the app's name     | application name shown in `DISPLAY CONN`                         |
 */
import { readFileSync } from 'node:fs';
import { MqConfigError } from '../errors/mq-errors';

/** Validated connection settings. {@link describeMqConnection} prints them without the password. */
export interface MqConnectionConfig {
  readonly queueManager: string;
  readonly connectionName: string;
  readonly channel: string;
  readonly user?: string;
  readonly password?: string;
  readonly cipherSpec?: string;
  readonly keyRepository?: string;
  readonly applicationName: string;
}

const MQ_NAME = /^[A-Za-z0-9._/%]{1,48}$/;
const CONN_NAME = /^[^\s(),]+\(\d{1,5}\)(,[^\s(),]+\(\d{1,5}\))*$/;

/**
 * Reads the MQ connection settings from `env`.
 * @param defaultApplName used when `MQ_APPL_NAME` is unset; pass the app's name.
 * @throws MqConfigError naming the variable.
 */
export function mqConnectionConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  defaultApplName = 'eda',
): MqConnectionConfig {
  const queueManager = required(env, 'MQ_QMGR');
  if (!MQ_NAME.test(queueManager)) {
    throw new MqConfigError(
      'MQ_QMGR',
      `must be an MQ name (up to 48 of A-Z a-z 0-9 . _ / %), got "${queueManager}"`,
    );
  }
  const connectionName = required(env, 'MQ_CONN_NAME').replace(/\s+/g, '');
  if (!CONN_NAME.test(connectionName)) {
    throw new MqConfigError('MQ_CONN_NAME', `must be host(port), comma-separated, got "${connectionName}"`);
  }
  const channel = required(env, 'MQ_CHANNEL');
  if (!/^[A-Za-z0-9._/%]{1,20}$/.test(channel)) {
    throw new MqConfigError('MQ_CHANNEL', `must be a channel name of up to 20 characters, got "${channel}"`);
  }
  const user = env['MQ_USER'] || undefined;
  const password = passwordFromEnv(env);
  if (password !== undefined && !user) {
    throw new MqConfigError(
      'MQ_USER',
      'is required when a password (MQ_PASSWORD_FILE or MQ_PASSWORD) is set',
    );
  }
  const cipherSpec = env['MQ_CIPHER_SPEC'] || undefined;
  const keyRepository = env['MQ_KEY_REPOSITORY'] || undefined;
  if (keyRepository && !cipherSpec) {
    throw new MqConfigError('MQ_CIPHER_SPEC', 'is required when MQ_KEY_REPOSITORY is set (TLS needs both)');
  }
  const applicationName = (env['MQ_APPL_NAME'] || defaultApplName).slice(0, 28);
  return {
    queueManager,
    connectionName,
    channel,
    ...(user ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(cipherSpec ? { cipherSpec } : {}),
    ...(keyRepository ? { keyRepository } : {}),
    applicationName,
  };
}

/** One line safe to log: queue manager, connection, channel, user, TLS on/off; never the password. */
export function describeMqConnection(config: MqConnectionConfig): string {
  const tls = config.cipherSpec ? `tls=${config.cipherSpec}` : 'tls=off';
  return `qmgr=${config.queueManager} conn=${config.connectionName} channel=${config.channel} user=${config.user ?? '-'} ${tls}`;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new MqConfigError(name, 'is required');
  return value;
}

function passwordFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const file = env['MQ_PASSWORD_FILE'];
  if (file) {
    try {
      // Secrets mounted from files often end with a newline the queue manager would reject.
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new MqConfigError(
        'MQ_PASSWORD_FILE',
        `points at "${file}", which cannot be read (${(err as Error).message})`,
      );
    }
  }
  return env['MQ_PASSWORD'] || undefined;
}
